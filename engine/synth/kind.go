package synth

import "fmt"

// Kind is what is in front of the camera (or behind it, for an injected
// stream).
type Kind int

// The kinds. Genuine is a bona fide presentation; the others are attacks
// of one instrument each.
const (
	Genuine       Kind = iota // the live user, following the prompts
	PrintedPhoto              // a print of the user's photo, moved as the prompts ask
	ScreenReplay              // a recorded genuine session played on a tablet held to the camera
	InjectedVideo             // a recorded genuine session fed as the camera stream
	FaceSwap                  // the live user, replaced by another live person halfway through the actions
	SecondFace                // the live user, joined by another person during the actions
)

// Kinds are all the kinds, in order.
var Kinds = []Kind{Genuine, PrintedPhoto, ScreenReplay, InjectedVideo, FaceSwap, SecondFace}

// kindNames follow ISO/IEC 30107-3's wording: a bona fide presentation, or
// an attack named by its instrument. Injection is outside 30107's scope
// (presentation to the sensor) and is named as CEN/TS 18099 does.
var kindNames = [...]string{
	Genuine:       "bona-fide",
	PrintedPhoto:  "print-attack",
	ScreenReplay:  "replay-attack",
	InjectedVideo: "injection-attack",
	FaceSwap:      "swap-attack",
	SecondFace:    "second-face-attack",
}

func (k Kind) String() string {
	if k >= Genuine && k <= SecondFace {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind is the kind of a String name.
func ParseKind(name string) (Kind, bool) {
	for _, k := range Kinds {
		if kindNames[k] == name {
			return k, true
		}
	}
	return 0, false
}

// subjectsNeeded is how many distinct faces a kind shows.
func (k Kind) subjectsNeeded() int {
	if k == FaceSwap || k == SecondFace {
		return 2
	}
	return 1
}

// needsOther reports whether the kind plays a recording made under another
// plan.
func (k Kind) needsOther() bool { return k == ScreenReplay || k == InjectedVideo }
