// The deploy API's client, as sandkit deploy uses it.

package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// Client calls the deploy API of a host's admin listener.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// NewClient returns a client of the admin listener at baseURL
// ("http://127.0.0.1:9090") that sends token (the operator's or an app's
// deploy token; empty: none).
func NewClient(baseURL, token string) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not the URL of an admin listener (http://HOST:PORT or https://…)", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &Client{base: u, token: token, http: &http.Client{}}, nil
}

// APIError is an answer of the API other than a success: its status and
// the message of its JSON error body (spec/hosting.md).
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
}

// Upload sends bundle (size bytes, -1 if unknown) as a new version of
// app, activated unless activate is false.
func (c *Client) Upload(ctx context.Context, app string, bundle io.Reader, size int64, activate bool) (Deployed, error) {
	path := "/v1/apps/" + url.PathEscape(app) + "/versions"
	if !activate {
		path += "?activate=false"
	}
	req, err := c.request(ctx, "POST", path, bundle)
	if err != nil {
		return Deployed{}, err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/gzip")
	var d Deployed
	return d, c.do(req, http.StatusCreated, &d)
}

// Activate makes version of app the active one (a rollback).
func (c *Client) Activate(ctx context.Context, app, version string) (Deployed, error) {
	b, _ := json.Marshal(ActivateRequest{Version: version})
	req, err := c.request(ctx, "POST", "/v1/apps/"+url.PathEscape(app)+"/activate", bytes.NewReader(b))
	if err != nil {
		return Deployed{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	var d Deployed
	return d, c.do(req, http.StatusOK, &d)
}

// Versions lists app's versions, oldest first.
func (c *Client) Versions(ctx context.Context, app string) ([]registry.Version, error) {
	req, err := c.request(ctx, "GET", "/v1/apps/"+url.PathEscape(app)+"/versions", nil)
	if err != nil {
		return nil, err
	}
	var l VersionList
	return l.Versions, c.do(req, http.StatusOK, &l)
}

// Apps lists the host's apps and their active versions.
func (c *Client) Apps(ctx context.Context) ([]registry.App, error) {
	req, err := c.request(ctx, "GET", "/v1/apps", nil)
	if err != nil {
		return nil, err
	}
	var l AppList
	return l.Apps, c.do(req, http.StatusOK, &l)
}

// AddToken makes a new deploy token for app (operator only).
func (c *Client) AddToken(ctx context.Context, app string) (string, error) {
	req, err := c.request(ctx, "POST", "/v1/apps/"+url.PathEscape(app)+"/tokens", nil)
	if err != nil {
		return "", err
	}
	var t Token
	return t.Token, c.do(req, http.StatusCreated, &t)
}

// DeleteVersion removes a version of app that is not active (operator only).
func (c *Client) DeleteVersion(ctx context.Context, app, version string) error {
	req, err := c.request(ctx, "DELETE", "/v1/apps/"+url.PathEscape(app)+"/versions/"+url.PathEscape(version), nil)
	if err != nil {
		return err
	}
	return c.do(req, http.StatusNoContent, nil)
}

// Delete removes app, its versions and its data (operator only).
func (c *Client) Delete(ctx context.Context, app string) error {
	req, err := c.request(ctx, "DELETE", "/v1/apps/"+url.PathEscape(app), nil)
	if err != nil {
		return err
	}
	return c.do(req, http.StatusNoContent, nil)
}

func (c *Client) request(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// maxAnswer bounds what the client reads of an answer.
const maxAnswer = 16 << 20

// do sends req and decodes an answer of status want into v (if not nil);
// any other answer is an *APIError.
func (c *Client) do(req *http.Request, want int, v any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Redacted(), err)
	}
	if resp.StatusCode != want {
		var e httperr.Body
		if json.Unmarshal(b, &e) != nil || e.Error.Message == "" {
			e.Error.Message = strings.TrimSpace(string(b))
			if len(e.Error.Message) > 512 {
				e.Error.Message = e.Error.Message[:512] + "…"
			}
		}
		return &APIError{Status: resp.StatusCode, Message: e.Error.Message}
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s %s: the answer is not what the deploy API sends: %w", req.Method, req.URL.Redacted(), err)
	}
	return nil
}
