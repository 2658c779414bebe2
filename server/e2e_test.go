package server_test

import (
	"bytes"
	"image/jpeg"
	"slices"
	"strings"
	"testing"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/servertest"
)

// A device session of a still photo, compared against the same photo as
// the reference: the engine submits to the server over HTTP and describe
// says not passed, for the liveness reasons the server found itself on the
// trace, with the server's own comparison (a match) and scores.
func TestEngineSessionEndToEnd(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		var ref bytes.Buffer
		if err := jpeg.Encode(&ref, servertest.Models(t).Portrait, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		res, ch := h.Init(t, &server.InitRequest{OrderNo: "e2e-1", UserID: "user-7", Compare: "photo", ReferencePhoto: ref.Bytes()})
		sess, err := stillWithReference(t, ch)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.C.Submit(ctx, res.VerificationID, ch.Nonce, sess.Package); err != nil {
			t.Fatal(err)
		}
		d, err := h.C.Describe(ctx, res.VerificationID, "best")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("passed %v, reasons %v, liveness score %d, compare %+v, quality %d, risk %v", d.Passed, d.Reasons,
			d.Liveness.Score, d.Compare, d.Quality, d.Risk)
		if d.State != "done" || d.Decision == nil || d.Passed || d.NotFinished != nil || d.SubmittedAt == nil {
			t.Fatalf("a still photo: %+v", d)
		}
		if d.Liveness.Passed || len(d.Liveness.Reasons) == 0 || d.SubCode != d.Reasons[0] {
			t.Errorf("liveness %+v, sub-code %s", d.Liveness, d.SubCode)
		}
		for _, r := range d.Liveness.Reasons {
			if !strings.HasPrefix(r, "LIVENESS_") || !slices.Contains(d.Reasons, r) {
				t.Errorf("liveness reason %q", r)
			}
		}
		c := d.Compare
		if c == nil || c.Source != "server" || c.Mode != "photo" || len(c.Thresholds) != 3 || c.FAR != 1e-3 || !c.Passed || c.Score < 60 {
			t.Errorf("comparison with the same person's photo: %+v", c)
		}
		if d.Client.Pass || len(d.Client.Reasons) == 0 || d.Quality <= 0 || d.Liveness.Crops == 0 || len(d.Frames) != 1 || d.CaptureEnd.Before(d.CaptureStart) {
			t.Errorf("client %+v, quality %d, crops %d, %d frames", d.Client, d.Quality, d.Liveness.Crops, len(d.Frames))
		}
	})
}

// stillWithReference runs the still-photo session with the portrait as the
// reference photo too.
func stillWithReference(t *testing.T, ch *engine.Challenge) (*engine.Result, error) {
	t.Helper()
	m := servertest.Models(t)
	return loadgen.StillSession(m.Engine, ch, m.Portrait, imgproc.FromImage(m.Portrait))
}

// A package whose device verdict says pass over a still-photo trace (a
// patched app) is decided on the trace: not passed, and the disagreement
// is recorded as a risk signal.
func TestClientVerdictIsNotTrusted(t *testing.T) {
	h := servertest.New(t, "sqlite")
	res, ch := h.Init(t, &server.InitRequest{OrderNo: "liar"})
	body := *servertest.Models(t).Body
	body.Local.Pass, body.Local.Reasons = true, []string{}
	pkg, err := loadgen.Reseal(&body, ch, h.Clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.C.Submit(ctx, res.VerificationID, ch.Nonce, pkg); err != nil {
		t.Fatal(err)
	}
	d, err := h.C.Describe(ctx, res.VerificationID, "")
	if err != nil || d.Passed || !slices.Contains(d.Risk, server.RiskClientDisagrees) || !d.Client.Pass {
		t.Errorf("passed %v, risk %v, client %+v, %v", d.Passed, d.Risk, d.Client, err)
	}
}

// Rendered sessions (engine/synth, closed loop on the engine's guidance)
// submitted over HTTP: a genuine one passes on the server's own decision,
// with the reference photo matched; a printed photo moved as asked does not,
// for the liveness reasons the server finds on the trace. Rendering is
// slow on two cores: not with -short (the Aliyun facade's test runs a
// genuine rendered session then).
func TestRenderedSessionsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("rendered sessions take tens of seconds; run without -short")
	}
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		m := servertest.Models(t)
		for _, k := range []synth.Kind{synth.Genuine, synth.PrintedPhoto} {
			res, ch := h.Init(t, &server.InitRequest{OrderNo: "r-" + k.String(), Liveness: servertest.RenderedLiveness})
			r := m.Rendered(t, ch, k)
			if _, err := h.C.Submit(ctx, res.VerificationID, ch.Nonce, r.Package); err != nil {
				t.Fatal(err)
			}
			d, err := h.C.Describe(ctx, res.VerificationID, "best")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v: device %v %v; server %v %v, liveness score %d, quality %d, risk %v", k, r.Pass, r.Reasons, d.Passed, d.Reasons, d.Liveness.Score, d.Quality, d.Risk)
			switch k {
			case synth.Genuine:
				if !d.Passed || d.SubCode != "PASSED" || !d.Liveness.Passed || len(d.Risk) != 0 || len(d.Frames) != 1 {
					t.Errorf("genuine session: passed %v, %v, risk %v", d.Passed, d.Reasons, d.Risk)
				}
			default:
				if d.Passed || d.Liveness.Passed || !strings.HasPrefix(d.SubCode, "LIVENESS_") {
					t.Errorf("%v: passed %v, sub-code %s", k, d.Passed, d.SubCode)
				}
			}
		}
	})
}
