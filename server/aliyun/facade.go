package aliyun

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/store"
)

// Version is the cloudauth API version the facade speaks.
const Version = "2019-03-07"

// Facade serves the Aliyun-compatible actions.
type Facade struct {
	srv *server.Server
	st  store.Store
	now func() time.Time
}

// Register mounts the facade on the server at POST / (where the SDKs send
// RPC-style calls). now is the server's clock (nil: time.Now).
func Register(srv *server.Server, st store.Store, now func() time.Time) *Facade {
	if now == nil {
		now = time.Now
	}
	f := &Facade{srv: srv, st: st, now: now}
	srv.Mount("POST /{$}", f)
	return f
}

// maxBody bounds a request: FaceContrastPicture is a base64 photo.
const maxBody = 4 << 20

// dateWindow is how far x-acs-date may be from the server's clock.
const dateWindow = 5 * time.Minute

// apiError is an Aliyun-style error: gateway errors (signature, action)
// with an HTTP error status, business errors with HTTP 200 and a numeric
// Code.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func (f *Facade) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		f.fail(w, r, &apiError{http.StatusRequestEntityTooLarge, "InvalidParameter.BodyTooLarge", "the request body is over 4 MiB"})
		return
	}
	app, err := f.authenticate(r, body)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	if !f.srv.AllowApp(app) {
		f.fail(w, r, &apiError{http.StatusBadRequest, "Throttling.User", "request was denied due to user flow control"})
		return
	}
	params := r.URL.Query()
	if form, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range form {
			params[k] = v
		}
	}
	var res any
	switch action := r.Header.Get("x-acs-action"); action {
	case "InitFaceVerify":
		res, err = f.initFaceVerify(r, app, params)
	case "DescribeFaceVerify":
		res, err = f.describeFaceVerify(r, app, params)
	default:
		err = &apiError{http.StatusNotFound, "InvalidAction.NotFound", "the action " + strconv.Quote(action) + " is not served"}
	}
	if err != nil {
		f.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// authenticate checks the V3 signature and spends its nonce, returning
// the app of the AccessKeyId.
func (f *Facade) authenticate(r *http.Request, body []byte) (string, error) {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return "", &apiError{http.StatusBadRequest, "IncompleteSignature", err.Error()}
	}
	for _, h := range required {
		if !slices.Contains(a.signedHeaders, h) {
			return "", &apiError{http.StatusBadRequest, "IncompleteSignature", "the signature must cover " + h}
		}
	}
	if r.Header.Get("x-acs-version") != Version {
		return "", &apiError{http.StatusBadRequest, "InvalidVersion", "the facade speaks version " + Version}
	}
	sum := sha256.Sum256(body)
	if hash := hex.EncodeToString(sum[:]); !hmac.Equal([]byte(hash), []byte(r.Header.Get("x-acs-content-sha256"))) {
		return "", &apiError{http.StatusBadRequest, "SignatureDoesNotMatch", "x-acs-content-sha256 is not the body's hash"}
	}
	date, err := time.Parse("2006-01-02T15:04:05Z", r.Header.Get("x-acs-date"))
	if err != nil || f.now().Sub(date).Abs() > dateWindow {
		return "", &apiError{http.StatusBadRequest, "InvalidTimeStamp.Expired", "x-acs-date is missing or more than 5 minutes from the server's clock"}
	}
	key, app, err := f.st.APIKey(r.Context(), a.keyID)
	if errors.Is(err, store.ErrNotFound) {
		return "", &apiError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "the AccessKeyId does not exist"}
	} else if err != nil {
		return "", err
	}
	want := signature(key.Secret, stringToSign(canonicalRequest(r, a.signedHeaders, r.Header.Get("x-acs-content-sha256"))))
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return "", &apiError{http.StatusBadRequest, "SignatureDoesNotMatch", "the request signature does not conform to the V3 signature"}
	}
	nonce := r.Header.Get("x-acs-signature-nonce")
	if nonce == "" {
		return "", &apiError{http.StatusBadRequest, "MissingSignatureNonce", "x-acs-signature-nonce is required"}
	}
	if err := f.st.UseNonce(r.Context(), "aliyun:"+a.keyID, nonce, date.Add(dateWindow)); errors.Is(err, store.ErrNonceUsed) {
		return "", &apiError{http.StatusBadRequest, "SignatureNonceUsed", "the x-acs-signature-nonce was used before"}
	} else if err != nil {
		return "", err
	}
	return app.ID, nil
}

// errorResponse is the body of every error.
type errorResponse struct {
	RequestId string
	HostId    string
	Code      string
	Message   string
}

func (f *Facade) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{http.StatusInternalServerError, "500", "system error"}
	}
	writeJSON(w, ae.status, errorResponse{RequestId: server.RequestID(r.Context()), HostId: r.Host, Code: ae.code, Message: ae.message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// business is a cloudauth business error: HTTP 200, Code 400 (a missing
// parameter), 401 (an invalid one) or 500.
func business(code, message string) *apiError { return &apiError{http.StatusOK, code, message} }

// fromServer turns a native refusal into a business error.
func fromServer(err error) error {
	e := server.AsError(err)
	switch e.Status / 100 {
	case 4:
		return business("401", e.Code+": "+e.Detail)
	}
	return err
}

// InitFaceVerifyResponse is Aliyun's InitFaceVerify answer.
type InitFaceVerifyResponse struct {
	RequestId    string
	Code         string
	Message      string
	ResultObject *InitResult `json:",omitempty"`
}

// InitResult holds the CertifyId and the CertifyUrl (the challenge as a
// data: URL).
type InitResult struct {
	CertifyId  string
	CertifyUrl string
}

// models maps Aliyun's Model (liveness type) onto the challenge's actions:
// blinking for the blink types (the colour flash always runs), three
// random actions for the multi-action type, near–far for the movement
// type.
var models = map[string]string{
	"":                  "",
	"LIVENESS":          `{"actions":["blink"],"count":1}`,
	"PHOTINUS_LIVENESS": `{"actions":["blink"],"count":1}`,
	"MULTI_ACTION":      `{"count":3}`,
	"MOVE_ACTION":       `{"actions":["near_far"],"count":1}`,
}

func (f *Facade) initFaceVerify(r *http.Request, app string, p url.Values) (any, error) {
	for _, k := range []string{"SceneId", "OuterOrderNo", "ProductCode"} {
		if p.Get(k) == "" {
			return nil, business("400", k+" is required")
		}
	}
	if _, err := strconv.ParseInt(p.Get("SceneId"), 10, 64); err != nil {
		return nil, business("401", "SceneId must be a number")
	}
	live, ok := models[p.Get("Model")]
	if !ok {
		return nil, business("401", "Model "+strconv.Quote(p.Get("Model"))+" is not supported")
	}
	if p.Get("FaceContrastPictureUrl") != "" || p.Get("OssObjectName") != "" {
		return nil, business("401", "give the reference photo as FaceContrastPicture (base64): the server fetches no URLs")
	}
	req := &server.InitRequest{OrderNo: p.Get("OuterOrderNo"), UserID: p.Get("UserId"), CallbackURL: p.Get("CallbackUrl")}
	if live != "" {
		req.Liveness = json.RawMessage(live)
	}
	if pic := p.Get("FaceContrastPicture"); pic != "" {
		b, err := base64.StdEncoding.DecodeString(pic)
		if err != nil {
			return nil, business("401", "FaceContrastPicture is not base64")
		}
		req.Compare, req.ReferencePhoto = string(engine.PhotoReference), b
	}
	res, err := f.srv.Init(r.Context(), app, req)
	if err != nil {
		return nil, fromServer(err)
	}
	return &InitFaceVerifyResponse{RequestId: server.RequestID(r.Context()), Code: "200", Message: "success",
		ResultObject: &InitResult{CertifyId: res.VerificationID, CertifyUrl: ChallengeURL(res.Challenge)}}, nil
}

// ChallengeURL is the CertifyUrl of a challenge: its JSON as a data: URL.
func ChallengeURL(challenge []byte) string {
	return "data:application/json;base64," + base64.StdEncoding.EncodeToString(challenge)
}

// ParseChallengeURL reads a CertifyUrl back into the challenge.
func ParseChallengeURL(u string) (*engine.Challenge, error) {
	b64, ok := strings.CutPrefix(u, "data:application/json;base64,")
	if !ok {
		return nil, errors.New("aliyun: not a challenge data: URL")
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, err
	}
	return engine.ParseChallenge(b)
}

// DescribeFaceVerifyResponse is Aliyun's DescribeFaceVerify answer.
type DescribeFaceVerifyResponse struct {
	RequestId    string
	Code         string
	Message      string
	ResultObject *DescribeResult `json:",omitempty"`
}

// DescribeResult is the verdict in Aliyun's fields; MaterialInfo is a JSON
// string, as Aliyun sends it.
type DescribeResult struct {
	Passed       string
	SubCode      string
	IdentityInfo *string
	DeviceToken  string
	DeviceRisk   string
	MaterialInfo string
	Success      bool
}

// MaterialInfo is the JSON in DescribeResult.MaterialInfo.
type MaterialInfo struct {
	FaceAttack         string              `json:"faceAttack"`
	FaceOcclusion      string              `json:"faceOcclusion"`
	FacialPictureFront *PictureFront       `json:"facialPictureFront,omitempty"`
	Reasons            []string            `json:"liveidReasons"`
	NotFinished        *server.NotFinished `json:"liveidNotFinished,omitempty"`
}

// PictureFront holds the scores and, when asked for, the best frame.
// faceAttackScore is 100 minus the liveness score; verifyScore is the
// comparison's 0–100 score (absent without a reference).
type PictureFront struct {
	FaceAttackScore int      `json:"faceAttackScore"`
	QualityScore    int      `json:"qualityScore"`
	VerifyScore     *float32 `json:"verifyScore,omitempty"`
	PictureURL      string   `json:"pictureUrl,omitempty"`
}

func (f *Facade) describeFaceVerify(r *http.Request, app string, p url.Values) (any, error) {
	if p.Get("CertifyId") == "" {
		return nil, business("400", "CertifyId is required")
	}
	frames := "none"
	if p.Get("PictureReturnType") == "url" {
		frames = "best"
	}
	d, err := f.srv.Describe(r.Context(), app, p.Get("CertifyId"), frames)
	if err != nil {
		return nil, fromServer(err)
	}
	res := &DescribeResult{Passed: "F", Success: true}
	mi := MaterialInfo{FaceAttack: "F", FaceOcclusion: "F", Reasons: []string{}}
	if d.Decision == nil {
		res.SubCode, mi.NotFinished = d.NotFinished.Cause, d.NotFinished
	} else {
		if d.Passed {
			res.Passed = "T"
		}
		res.SubCode = SubCode(d.Decision)
		res.DeviceRisk = strings.Join(d.Risk, ",")
		mi.Reasons = d.Reasons
		if !d.Liveness.Passed {
			mi.FaceAttack = "T"
		}
		if slices.Contains(d.Reasons, "LIVENESS_POOR_QUALITY") {
			mi.FaceOcclusion = "T"
		}
		pf := &PictureFront{FaceAttackScore: 100 - d.Liveness.Score, QualityScore: d.Quality}
		if d.Compare != nil {
			pf.VerifyScore = &d.Compare.Score
		}
		if len(d.Frames) > 0 {
			pf.PictureURL = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(d.Frames[0])
		}
		mi.FacialPictureFront = pf
	}
	b, _ := json.Marshal(mi) // plain structs always marshal
	res.MaterialInfo = string(b)
	return &DescribeFaceVerifyResponse{RequestId: server.RequestID(r.Context()), Code: "200", Message: "success", ResultObject: res}, nil
}

// SubCode is Aliyun's SubCode for a decision: 200 passed; 205 a liveness
// failure (an attack or a session that did not complete); 204 the face does
// not match the reference photo, 207 the ID-card portrait; 203 the
// reference is unusable or the server holds none.
func SubCode(d *server.Decision) string {
	if d.Passed {
		return "200"
	}
	first := d.Reasons[0]
	switch {
	case first == server.ReasonReferenceUnusable || first == server.ReasonNoServerReference:
		return "203"
	case first == engine.ReasonNoMatch && d.Compare != nil && d.Compare.Mode == string(engine.IDCardReference):
		return "207"
	case first == engine.ReasonNoMatch:
		return "204"
	}
	return "205" // LIVENESS_*, SERVER_FRAME_UNUSABLE and COMPARE_ face-quality codes of the live face
}
