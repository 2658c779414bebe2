package aliyun_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image/jpeg"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/aliyun"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// sdkDir installs the pinned SDK (testdata/npm: @alicloud/cloudauth20190307
// 3.5.0 and its locked dependency tree) under $LIVEID_HOME once, without
// running any package's scripts.
func sdkDir(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: make setup installs it", tool)
		}
	}
	lock, err := os.ReadFile("testdata/npm/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	dir := filepath.Join(build.Home(), "server-npm", "cloudauth20190307-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(dir, "node_modules/@alicloud/cloudauth20190307/package.json")); err == nil {
		return dir
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata/npm", f))
		os.WriteFile(filepath.Join(tmp, f), b, 0o644)
	}
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci of the Aliyun SDK: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	return dir
}

// sdk runs one call of the official SDK against the harness.
func sdk(t *testing.T, dir string, h *servertest.Harness, secret, action string, params map[string]any) map[string]any {
	t.Helper()
	p, _ := json.Marshal(params)
	script, _ := filepath.Abs("testdata/flow.cjs")
	cmd := exec.Command("node", script, action, string(p))
	cmd.Env = append(os.Environ(), "SDK_DIR="+dir, "ENDPOINT="+strings.TrimPrefix(h.URL, "http://"), "AK="+h.App.KeyID, "SK="+secret)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", action, err, out)
	}
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node %s printed %s", action, out)
	}
	return res
}

// flowCase is one session the SDK flow runs and what DescribeFaceVerify
// must say about it.
type flowCase struct {
	name                string
	run                 func(t *testing.T, m *servertest.Shared, ch *engine.Challenge) *engine.Result
	passed, subCode, fa string
}

func rendered(k synth.Kind) func(t *testing.T, m *servertest.Shared, ch *engine.Challenge) *engine.Result {
	return func(t *testing.T, m *servertest.Shared, ch *engine.Challenge) *engine.Result {
		return m.Rendered(t, ch, k)
	}
}

func still(t *testing.T, m *servertest.Shared, ch *engine.Challenge) *engine.Result {
	r, err := loadgen.StillSession(m.Engine, ch, m.Portrait, imgproc.FromImage(m.Portrait))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	genuine = flowCase{"bona-fide", rendered(synth.Genuine), "T", "200", "F"}
	printed = flowCase{"print-attack", rendered(synth.PrintedPhoto), "F", "205", "T"}
	photo   = flowCase{"still-photo", still, "F", "205", "T"}
)

// The whole Aliyun flow through the official SDK: InitFaceVerify with a
// reference photo → the CertifyUrl's challenge runs an engine session that
// submits → DescribeFaceVerify. A genuine rendered session (engine/synth)
// passes (SubCode 200, the reference matched); a printed photo moved as
// asked and a still photo do not (SubCode 205, faceAttack T); MaterialInfo
// holds the server's scores. Rendering is slow on two cores: with -short,
// the genuine session runs on SQLite and the still photo on PostgreSQL.
func TestOfficialSDKFlow(t *testing.T) {
	dir := sdkDir(t)
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		aliyun.Register(h.Srv, h.St, h.Clk.Now)
		m := servertest.Models(t)
		var ref bytes.Buffer
		jpeg.Encode(&ref, m.Portrait, &jpeg.Options{Quality: 90})
		cases := []flowCase{genuine, printed, photo}
		if testing.Short() {
			cases = []flowCase{genuine}
			if strings.HasPrefix(h.DBURL, "postgres") {
				cases = []flowCase{photo}
			}
		}
		for _, c := range cases {
			init := map[string]any{"sceneId": 1000000001, "outerOrderNo": "ali-" + c.name, "productCode": "ID_PRO", "model": "LIVENESS",
				"certType": "IDENTITY_CARD", "userId": "u-42", "metaInfo": `{"zimVer":"3.0.0"}`,
				"faceContrastPicture": base64.StdEncoding.EncodeToString(ref.Bytes())}
			res := sdk(t, dir, h, h.App.Secret, "init", init)
			ro, _ := res["resultObject"].(map[string]any)
			if res["code"] != "200" || ro == nil {
				t.Fatalf("InitFaceVerify: %v", res)
			}
			certifyID, _ := ro["certifyId"].(string)
			ch, err := aliyun.ParseChallengeURL(ro["certifyUrl"].(string))
			if err != nil || ch.VerificationID != certifyID || len(ch.Liveness.Actions) != 1 || ch.Liveness.Actions[0].String() != "blink" {
				t.Fatalf("CertifyUrl's challenge: %+v %v", ch, err)
			}
			if again := sdk(t, dir, h, h.App.Secret, "init", init); again["resultObject"].(map[string]any)["certifyId"] != certifyID {
				t.Errorf("a repeated InitFaceVerify gave %v, want %s", again, certifyID)
			}
			if d := sdk(t, dir, h, h.App.Secret, "describe", map[string]any{"sceneId": 1000000001, "certifyId": certifyID}); d["code"] != "200" ||
				d["resultObject"].(map[string]any)["passed"] != "F" || d["resultObject"].(map[string]any)["subCode"] != "NOT_SUBMITTED" {
				t.Errorf("DescribeFaceVerify before the session: %v", d)
			}
			sess := c.run(t, m, ch)
			if _, err := h.C.Submit(t.Context(), certifyID, ch.Nonce, sess.Package); err != nil {
				t.Fatal(err)
			}
			d := sdk(t, dir, h, h.App.Secret, "describe", map[string]any{"sceneId": 1000000001, "certifyId": certifyID, "pictureReturnType": "url"})
			ro, _ = d["resultObject"].(map[string]any)
			if d["code"] != "200" || ro == nil || ro["passed"] != c.passed || ro["subCode"] != c.subCode {
				t.Fatalf("%s: DescribeFaceVerify: %v", c.name, d)
			}
			var mi aliyun.MaterialInfo
			if err := json.Unmarshal([]byte(ro["materialInfo"].(string)), &mi); err != nil {
				t.Fatal(err)
			}
			pf := mi.FacialPictureFront
			if mi.FaceAttack != c.fa || pf == nil || pf.VerifyScore == nil || !strings.HasPrefix(pf.PictureURL, "data:image/jpeg;base64,") {
				t.Fatalf("%s: MaterialInfo %+v %+v", c.name, mi, pf)
			}
			if c.name == genuine.name && *pf.VerifyScore < 60 {
				t.Errorf("genuine session against the user's own photo: verifyScore %.1f", *pf.VerifyScore)
			}
			t.Logf("%s: Passed %v, SubCode %v, reasons %v, faceAttackScore %d, qualityScore %d, verifyScore %.1f", c.name, ro["passed"],
				ro["subCode"], mi.Reasons, pf.FaceAttackScore, pf.QualityScore, *pf.VerifyScore)
		}
		bad := sdk(t, dir, h, "not-the-secret", "describe", map[string]any{"sceneId": 1, "certifyId": "lv_x"})
		if e, _ := bad["error"].(map[string]any); e == nil || e["code"] != "SignatureDoesNotMatch" {
			t.Errorf("a wrong secret: %v", bad)
		}
	})
}

// A request the Go signer signs verifies; a replayed nonce, a changed
// body, a stale date and an unknown action are refused with Aliyun's codes.
func TestSignatureChecks(t *testing.T) {
	h := servertest.New(t, "sqlite")
	aliyun.Register(h.Srv, h.St, h.Clk.Now)
	body := []byte("CertifyId=lv_nope&SceneId=1")
	send := func(action, date, nonce string, body, signedBody []byte) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, h.URL+"/?SceneId=1&X=a%20b%2A", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		aliyun.Sign(req, h.App.KeyID, h.App.Secret, action, date, nonce, signedBody)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct{ Code string }
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Code
	}
	now := h.Clk.Now().UTC().Format("2006-01-02T15:04:05Z")
	for _, c := range []struct {
		name, action, date, nonce string
		signed                    []byte
		status                    int
		code                      string
	}{
		{"good", "DescribeFaceVerify", now, "n-1", body, http.StatusOK, "401"}, // signed fine; the CertifyId is unknown
		{"replayed nonce", "DescribeFaceVerify", now, "n-1", body, http.StatusBadRequest, "SignatureNonceUsed"},
		{"body changed", "DescribeFaceVerify", now, "n-2", []byte("CertifyId=other"), http.StatusBadRequest, "SignatureDoesNotMatch"},
		{"stale", "DescribeFaceVerify", h.Clk.Now().Add(-10 * time.Minute).UTC().Format("2006-01-02T15:04:05Z"), "n-3", body, http.StatusBadRequest, "InvalidTimeStamp.Expired"},
		{"unknown action", "DeleteFaceVerifyResult", now, "n-4", body, http.StatusNotFound, "InvalidAction.NotFound"},
	} {
		if status, code := send(c.action, c.date, c.nonce, body, c.signed); status != c.status || code != c.code {
			t.Errorf("%s: HTTP %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
}

// SubCode follows the first reason: liveness before comparison.
func TestSubCodes(t *testing.T) {
	for _, c := range []struct {
		d    server.Decision
		want string
	}{
		{server.Decision{Passed: true}, "200"},
		{server.Decision{Reasons: []string{"LIVENESS_WRONG_ORDER", "COMPARE_NO_MATCH"}}, "205"},
		{server.Decision{Reasons: []string{"COMPARE_NO_MATCH"}, Compare: &server.CompareOutcome{Mode: "photo"}}, "204"},
		{server.Decision{Reasons: []string{"COMPARE_NO_MATCH"}, Compare: &server.CompareOutcome{Mode: "id-portrait"}}, "207"},
		{server.Decision{Reasons: []string{server.ReasonReferenceUnusable}}, "203"},
		{server.Decision{Reasons: []string{server.ReasonFrameUnusable}}, "205"},
	} {
		if got := aliyun.SubCode(&c.d); got != c.want {
			t.Errorf("SubCode(%v) = %s, want %s", c.d.Reasons, got, c.want)
		}
	}
}
