package aliyun

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Algorithm is the signature algorithm accepted: Aliyun's V3 signature.
const Algorithm = "ACS3-HMAC-SHA256"

// authorization is a parsed Authorization header.
type authorization struct {
	keyID         string
	signedHeaders []string
	signature     string
}

func parseAuthorization(h string) (*authorization, error) {
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return nil, fmt.Errorf("want an %s Authorization header", Algorithm)
	}
	a := &authorization{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			a.keyID = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.keyID == "" || a.signature == "" || len(a.signedHeaders) == 0 {
		return nil, fmt.Errorf("the Authorization header lacks Credential, SignedHeaders or Signature")
	}
	return a, nil
}

// required are the headers a signature must cover: the host, the body's
// hash, the time and the nonce (replay protection), the action and the
// version.
var required = []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}

// canonicalRequest is the V3 canonical request of r, signing the headers
// a names, with the body hash payloadHash.
func canonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(encodePath(r.URL.EscapedPath()) + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signed {
		b.WriteString(h + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + payloadHash)
	return b.String()
}

// headerValue is a header's canonical value: its values trimmed, sorted
// and joined with commas; host is the request's Host.
func headerValue(r *http.Request, name string) string {
	if name == "host" {
		return strings.TrimSpace(r.Host)
	}
	vs := slices.Clone(r.Header.Values(name))
	for i := range vs {
		vs[i] = strings.TrimSpace(vs[i])
	}
	slices.Sort(vs)
	return strings.Join(vs, ",")
}

// canonicalQuery is the sorted key=value list, values percent-encoded
// (RFC 3986 unreserved characters kept), keys as they are.
func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, k+"="+percentEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

func encodePath(p string) string {
	if p == "" {
		return "/"
	}
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(p)
}

// percentEncode is JavaScript's encodeURIComponent with ! ' ( ) * also
// encoded: everything but A–Z a–z 0–9 - _ . ~ as %XX of its UTF-8 bytes.
func percentEncode(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

// stringToSign is the algorithm and the hex sha256 of the canonical
// request.
func stringToSign(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// signature is the hex HMAC-SHA256 of the string to sign.
func signature(secret, sts string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// Sign sets the V3 signature headers on r (whose body is body), as the
// official SDKs do: for Go callers and tests.
func Sign(r *http.Request, keyID, secret, action, date, nonce string, body []byte) {
	sum := sha256.Sum256(body)
	r.Header.Set("x-acs-action", action)
	r.Header.Set("x-acs-version", Version)
	r.Header.Set("x-acs-date", date)
	r.Header.Set("x-acs-signature-nonce", nonce)
	r.Header.Set("x-acs-content-sha256", hex.EncodeToString(sum[:]))
	signed := []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}
	if r.Header.Get("Content-Type") != "" {
		signed = append([]string{"content-type"}, signed...)
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	sig := signature(secret, stringToSign(canonicalRequest(r, signed, hex.EncodeToString(sum[:]))))
	r.Header.Set("Authorization", fmt.Sprintf("%s Credential=%s,SignedHeaders=%s,Signature=%s", Algorithm, keyID, strings.Join(signed, ";"), sig))
}
