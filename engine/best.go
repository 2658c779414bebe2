package engine

import (
	"cmp"
	"slices"
	"time"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// bestFrame is one kept frame: its aligned face crop (compare.Face owns a
// copy of its pixels, so recycled camera buffers do not matter) and the
// passive models' scores, computed when it was kept.
type bestFrame struct {
	t       time.Duration
	score   float32
	face    compare.Face
	passive liveness.PassiveScore
}

// bestFrames keeps the top n frames by the tracker's best-frame score, at
// least minGap apart so that they are not copies of one moment. spare is
// the Face a replaced frame leaves, whose crop buffer the next candidate
// reuses.
type bestFrames struct {
	n      int
	frames []bestFrame
	spare  compare.Face
}

// minGap: frames closer than this show the same pose and expression.
const minGap = 300 * time.Millisecond

// unusable are the quality codes a best frame must not have.
const unusable = face.NoFace | face.MultipleFaces | face.PartlyOutOfFrame | face.Occluded |
	face.Blurred | face.EyesClosed | face.PoseTooLarge | face.TooDark | face.TooBright

func (b *bestFrames) init(n int) { b.n, b.frames = n, make([]bestFrame, 0, n) }

// consider keeps the frame if it is among the best: it replaces a kept
// frame within minGap that scores lower, else the lowest when full.
func (b *bestFrames) consider(e *Engine, f *imgproc.Frame, r *face.Result, t time.Duration) error {
	if r.Score <= 0 || r.Quality&unusable != 0 {
		return nil
	}
	slot := b.slotFor(r.Score, t)
	if slot < 0 {
		return nil
	}
	if err := e.cmp.LocateTrackedInto(f, r, &b.spare); err != nil {
		return nil // a face the comparer refuses (too small, turned) is no best frame
	}
	ps, err := e.passive.ScoreFace(f, &r.Mesh)
	if err != nil {
		return err
	}
	bf := bestFrame{t: t, score: r.Score, face: b.spare, passive: ps}
	if slot == len(b.frames) {
		b.frames = append(b.frames, bf)
		b.spare = compare.Face{}
	} else {
		b.spare = b.frames[slot].face
		b.frames[slot] = bf
	}
	slices.SortFunc(b.frames, func(x, y bestFrame) int { return cmp.Compare(y.score, x.score) })
	return nil
}

// slotFor is where a frame of this score at t goes: the index of the kept
// frame it replaces, len(frames) to append, -1 to drop it.
func (b *bestFrames) slotFor(score float32, t time.Duration) int {
	for i, k := range b.frames {
		if d := t - k.t; d < minGap && d > -minGap {
			if score > k.score {
				return i
			}
			return -1
		}
	}
	if len(b.frames) < b.n {
		return len(b.frames)
	}
	if last := len(b.frames) - 1; score > b.frames[last].score {
		return last
	}
	return -1
}
