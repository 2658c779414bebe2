package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Client calls the native API: the backend's calls signed with an API key,
// and the device's submission. Tests, the load generator and the demo use
// it; it is also the reference for writing one in another language.
type Client struct {
	BaseURL       string // e.g. http://127.0.0.1:8080
	KeyID, Secret string
	HTTP          *http.Client // default http.DefaultClient
	Now           func() time.Time
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, header http.Header, signed bool, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if signed {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		SignRequest(req, c.KeyID, c.Secret, body, now())
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e errorBody
		if json.Unmarshal(b, &e) != nil || e.Code == "" {
			return &Error{Code: CodeInternal, Status: resp.StatusCode, Detail: fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, b)}
		}
		return &Error{Code: e.Code, Status: resp.StatusCode, Detail: e.Message}
	}
	return json.Unmarshal(b, out)
}

// Init starts a verification.
func (c *Client) Init(ctx context.Context, req *InitRequest) (*InitResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var res InitResponse
	return &res, c.do(ctx, http.MethodPost, "/v1/verifications", body, nil, true, &res)
}

// Rechallenge issues a new challenge for a pending verification.
func (c *Client) Rechallenge(ctx context.Context, id string) (*InitResponse, error) {
	var res InitResponse
	return &res, c.do(ctx, http.MethodPost, "/v1/verifications/"+id+"/challenge", nil, nil, true, &res)
}

// Describe reads a verification; frames is "", none, best or all.
func (c *Client) Describe(ctx context.Context, id, frames string) (*Description, error) {
	path := "/v1/verifications/" + id
	if frames != "" {
		path += "?frames=" + frames
	}
	var d Description
	return &d, c.do(ctx, http.MethodGet, path, nil, nil, true, &d)
}

// Submit uploads a sealed package with its challenge nonce, as the device
// does (unsigned: the nonce is the credential).
func (c *Client) Submit(ctx context.Context, id, nonce string, pkg []byte) (*SubmitResponse, error) {
	h := http.Header{HeaderChallengeNonce: {nonce}, "Content-Type": {"application/octet-stream"}}
	var res SubmitResponse
	return &res, c.do(ctx, http.MethodPost, "/v1/verifications/"+id+"/evidence", pkg, h, false, &res)
}
