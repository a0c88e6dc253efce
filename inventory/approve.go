package inventory

import "fmt"

// MayApprove says whether member may approve the rotation of sec that rb
// drives, and if not, who may. approve: NAME names the member. approve:
// owner means the owner when the owner is a member of r; when the owner is
// a team, any reader of the secret's scope but the one who started the
// rotation (four eyes).
func MayApprove(rb *Runbook, sec *Secret, r Recipients, member string) (bool, string) {
	who := Approver(rb, sec, r)
	switch {
	case rb.Approve != ApproveOwner:
		return member == rb.Approve, who
	case r.Members[sec.Owner] != "":
		return member == sec.Owner, who
	}
	for _, m := range r.ReadersOf(sec.Path) {
		if m == member {
			return sec.Rotating == nil || member != sec.Rotating.By, who
		}
	}
	return false, who
}

// Approver names who may approve the rotation of sec, for messages.
func Approver(rb *Runbook, sec *Secret, r Recipients) string {
	switch {
	case rb.Approve != ApproveOwner:
		return rb.Approve
	case r.Members[sec.Owner] != "":
		return sec.Owner + " (the owner)"
	}
	starter := "the one who started it"
	if sec.Rotating != nil {
		starter = sec.Rotating.By
	}
	return fmt.Sprintf("a member of the scope of %s other than %s (the owner, %s, is not a member)", sec.Path, starter, sec.Owner)
}
