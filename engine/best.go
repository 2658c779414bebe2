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
// copy of its pixels, so recycled camera buffers do not matter), the
// passive models' crops, cut when it was kept, and their scores, computed
// at the session's end for the frames kept then (scorePassive): a session
// replaces its candidates dozens of times.
type bestFrame struct {
	t       time.Duration
	seg     int // the part of the session it was seen in (segmentOf)
	score   float32
	face    compare.Face
	crops   liveness.PassiveCrops
	passive liveness.PassiveScore
}

// bestFrames keeps n frames, the best-scoring one of each of n parts of
// the session (segmentOf): the still face before the actions, then the
// actions split in order. Spread over the session they show whether one
// person stayed in front of the camera throughout (identityReasons), which
// top frames by score alone, all from the still baseline, would not.
// spare holds the buffers a replaced frame leaves, which the next
// candidate reuses.
type bestFrames struct {
	n      int
	frames []bestFrame
	spare  bestFrame
}

// unusable are the quality codes a best frame must not have.
const unusable = face.NoFace | face.MultipleFaces | face.PartlyOutOfFrame | face.Occluded |
	face.Blurred | face.EyesClosed | face.PoseTooLarge | face.TooDark | face.TooBright

func (b *bestFrames) init(n int) { b.n, b.frames = n, make([]bestFrame, 0, n) }

// consider keeps the frame, seen in segment seg, if it scores higher than
// the segment's kept frame or the segment has none.
func (b *bestFrames) consider(e *Engine, f *imgproc.Frame, r *face.Result, t time.Duration, seg int) error {
	if r.Score <= 0 || r.Quality&unusable != 0 {
		return nil
	}
	slot := b.slotFor(r.Score, seg)
	if slot < 0 {
		return nil
	}
	if err := e.cmp.LocateTrackedInto(f, r, &b.spare.face); err != nil {
		return nil // a face the comparer refuses (too small, turned) is no best frame
	}
	if err := b.spare.crops.Fill(f, &r.Mesh); err != nil {
		return err
	}
	bf := bestFrame{t: t, seg: seg, score: r.Score, face: b.spare.face, crops: b.spare.crops}
	if slot == len(b.frames) {
		b.frames = append(b.frames, bf)
		b.spare = bestFrame{}
	} else {
		b.spare = b.frames[slot]
		b.frames[slot] = bf
	}
	slices.SortFunc(b.frames, func(x, y bestFrame) int { return cmp.Compare(y.score, x.score) })
	return nil
}

// scorePassive runs the passive models on the kept frames' crops.
func (b *bestFrames) scorePassive(p *liveness.Passive) error {
	for i := range b.frames {
		f := &b.frames[i]
		var err error
		if f.passive, err = p.Score(f.crops.Face128, f.crops.Face32); err != nil {
			return err
		}
	}
	return nil
}

// slotFor is where a frame of this score in segment seg goes: the index
// of the kept frame it replaces, len(frames) to append, -1 to drop it.
func (b *bestFrames) slotFor(score float32, seg int) int {
	for i, k := range b.frames {
		if k.seg == seg {
			if score > k.score {
				return i
			}
			return -1
		}
	}
	return len(b.frames)
}

// segmentOf is the part of the session a liveness prompt falls in, 0..n-1:
// 0 before the actions; during action i of count, the actions' share i/count
// of the remaining n-1 parts; the frame that ends the last action, the
// last part. With n = 1 the whole session is one part.
func segmentOf(p liveness.Prompt, count, n int) int {
	switch {
	case n == 1 || p.Phase < liveness.PhaseAction:
		return 0
	case p.Phase == liveness.PhaseDone:
		return n - 1
	}
	return 1 + p.Index*(n-1)/count
}
