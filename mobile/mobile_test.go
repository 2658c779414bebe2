package mobile

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/mobile/internal/fixture"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

var shared struct {
	once sync.Once
	eng  *Engine
	err  error
	skip string
}

// testEngine opens one engine through the bound surface for the package's
// tests, skipping them when `make setup` has not filled the model cache.
func testEngine(t *testing.T) *Engine {
	t.Helper()
	shared.once.Do(func() {
		home := build.Home()
		if _, err := os.Stat(models.Path(build.ModelDir(home), "blazeface")); err != nil {
			shared.skip = "model cache not set up (run make setup): " + err.Error()
			return
		}
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		shared.eng, shared.err = Open(build.ModelDir(home), &Options{Language: "en", DeviceModel: "test"})
	})
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.eng
}

var challenges int

func newChallenge(t *testing.T) ([]byte, *evidence.PrivateKey, string) {
	t.Helper()
	challenges++
	ch, b, k, err := fixture.Challenge(challenges)
	if err != nil {
		t.Fatal(err)
	}
	return b, k, ch.VerificationID
}

func push(s *Session, f *imgproc.Frame, i int) (*Guidance, error) {
	return s.PushFrame(f.Planes[0], f.Planes[1], f.Planes[2], int32(f.Width), int32(f.Height), int32(f.Strides[0]), int32(f.Strides[1]), int32(f.Strides[2]),
		2, int32(f.Format), int32(f.Rotation), f.Mirror, int64(fixture.Timestamp(i)))
}

// A still photo pushed as NV21 planes gets through the pre-check and fails
// liveness: the guidance names phases, prompts and messages, the result
// its reasons, and the package opens with the challenge's key.
func TestStillPhotoSession(t *testing.T) {
	e := testEngine(t)
	chb, key, id := newChallenge(t)
	f, err := fixture.StillPhoto(build.Home())
	if err != nil {
		t.Skip(err)
	}
	s, err := e.NewSession(chb)
	if err != nil {
		t.Fatal(err)
	}
	phases := map[int32]bool{}
	for i := range 120 {
		g, err := push(s, f, i)
		if err != nil {
			t.Fatal(err)
		}
		phases[g.Phase] = true
		if g.Prompt == "" || g.Message == "" || g.PhaseName == "" || g.ScreenColor>>24 != -1 {
			t.Fatalf("frame %d: guidance %+v", i, g)
		}
		if g.ScreenUntilNs <= int64(fixture.Timestamp(i)) && g.Phase != PhaseFailed {
			t.Fatalf("frame %d: screen colour ends at %d, before the frame", i, g.ScreenUntilNs)
		}
	}
	if !phases[PhasePrecheck] || !phases[PhaseBaseline] {
		t.Errorf("phases %v: want the pre-check and the baseline", phases)
	}
	r, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if r.Passed() || r.ReasonCount() == 0 || r.Reason(0) == "" || r.ReasonMessage(0) == "" || r.Reason(r.ReasonCount()) != "" {
		t.Fatalf("a still photo: passed %v, reasons %q", r.Passed(), r.Reasons())
	}
	t.Logf("reasons %s, package %d bytes", r.Reasons(), len(r.Evidence()))
	pkg, err := evidence.Open(r.Evidence(), key, id)
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Body.Local.Pass || int32(len(pkg.Body.Local.Reasons)) != r.ReasonCount() || pkg.Header.Device.Model != "test" {
		t.Errorf("package: %+v %+v", pkg.Header, pkg.Body.Local)
	}
}

// Every failing call names its domain and code.
func TestErrorsHaveDomainAndCode(t *testing.T) {
	e := testEngine(t)
	f, err := fixture.StillPhoto(build.Home())
	if err != nil {
		t.Skip(err)
	}
	want := func(what string, err error, domain int32, code string) {
		t.Helper()
		info := DescribeError(err)
		if info == nil || info.Domain != domain || info.Code != code || info.Message == "" {
			t.Errorf("%s: %+v, want domain %d code %s", what, info, domain, code)
		}
	}
	_, err = e.NewSession([]byte("{"))
	want("bad challenge", err, DomainParams, engine.CodeChallengeMalformed)

	chb, _, _ := newChallenge(t)
	s, err := e.NewSession(chb)
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := newChallenge(t)
	_, err = e.NewSession(other)
	want("second session", err, DomainSession, engine.CodeBusy)

	_, err = s.PushFrame(f.Planes[0], f.Planes[1], nil, int32(f.Width), int32(f.Height), int32(f.Strides[0]), int32(f.Strides[1]), 0, 1, NV21, 270, true, 1)
	want("pixel stride", err, DomainParams, CodeBadArgument)
	_, err = s.PushFrame(f.Planes[0], f.Planes[1][:100], nil, int32(f.Width), int32(f.Height), int32(f.Strides[0]), int32(f.Strides[1]), 0, 2, NV21, 270, true, 1)
	want("short chroma plane", err, DomainFrame, string(imgproc.ShortPlane))
	err = s.SetReferenceImage([]byte("not an image"))
	want("reference", err, DomainParams, CodeBadArgument)
	s.Cancel()
	_, err = s.Finish()
	want("Finish after Cancel", err, DomainSession, engine.CodeSessionOver)
	if !errors.Is(err, engine.ErrSessionOver) {
		t.Errorf("the cause is lost: %v", err)
	}
	if _, err := Open(build.ModelDir(build.Home())+"/nowhere", nil); DescribeError(err).Domain != DomainModel {
		t.Errorf("missing models: %+v", DescribeError(err))
	}
	if info := DescribeError(errors.New("foreign")); info.Domain != DomainInternal || info.Code != CodeInternal {
		t.Errorf("foreign error: %+v", info)
	}
	if DescribeError(nil) != nil {
		t.Error("DescribeError(nil) is not nil")
	}
}

type finishResult struct {
	r   *Result
	err error
}

type finishCallback chan finishResult

func (c finishCallback) OnResult(r *Result) { c <- finishResult{r: r} }
func (c finishCallback) OnError(err error)  { c <- finishResult{err: err} }

type openCallback chan error

func (c openCallback) OnOpen(e *Engine)  { c <- e.Close() }
func (c openCallback) OnError(err error) { c <- err }

// The callbacks arrive, with a result or an error.
func TestCallbacks(t *testing.T) {
	e := testEngine(t)
	chb, _, _ := newChallenge(t)
	s, err := e.NewSession(chb)
	if err != nil {
		t.Fatal(err)
	}
	done := make(finishCallback, 1)
	s.FinishAsync(done)
	select {
	case res := <-done:
		if res.err != nil || res.r.Passed() || len(res.r.Evidence()) == 0 {
			t.Errorf("FinishAsync: %v, %v", res.r, res.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("no callback")
	}
	opened := make(openCallback, 1)
	OpenAsync("/nowhere", nil, opened)
	if err := <-opened; DescribeError(err).Domain != DomainModel {
		t.Errorf("OpenAsync of a missing directory: %v", err)
	}
}

// The bound constants are the engine's values.
func TestConstants(t *testing.T) {
	if NV21 != 1 || BGRA != 5 || PhaseFailed != 6 || argb(255, 0, 16) != -0xfff0 {
		t.Error("constants moved")
	}
}
