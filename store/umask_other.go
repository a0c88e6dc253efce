//go:build !unix

package store

func privateUmask() (restore func()) { return func() {} }
