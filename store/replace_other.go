//go:build !linux

package store

import (
	"errors"
	"os"
)

var errNoExchange = errors.New("atomic exchange not supported")

const canExchange = false

func exchangeAt(aDir *os.File, a string, bDir *os.File, b string) error { return errNoExchange }

func writeSpareAt(dir *os.File, name string, data []byte) error { return errNoExchange }
