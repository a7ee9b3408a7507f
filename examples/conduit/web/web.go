// Package web is what Conduit's pages share: the signed-in user from the
// session (pages use cookie sessions; the API keeps its tokens), refused
// forms, errors, and article bodies rendered from Markdown. The queries
// are the api package's: a page's loader answers the same data the API
// does.
package web

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// Me is the signed-in user as the pages show it (no token: pages use the
// session cookie).
type Me struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	Bio      string `json:"bio"`
	Image    string `json:"image"`
}

// Viewer is the session's user as the api package sees it: nobody (ID 0)
// when no one has logged in.
func Viewer(s *auth.Session) api.Viewer {
	id, err := strconv.ParseInt(s.UserID(), 10, 64)
	if err != nil {
		return api.Viewer{}
	}
	return api.Viewer{ID: id}
}

// CurrentUser reads the session's user; nil when no one has logged in, or
// the user was deleted (the session is then logged out).
func CurrentUser(s *auth.Session) (*Me, error) {
	v := Viewer(s)
	if v.ID == 0 {
		return nil, nil
	}
	u, err := api.UserByID(v.ID)
	var nf api.NotFound
	if errors.As(err, &nf) {
		s.Logout()
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Me{Username: u.Username, Email: u.Email, Bio: u.Bio, Image: u.Image}, nil
}

// Fail answers an error of the api package in the host's error shape
// (spec/routing.md §7), which the pages' error page shows: 404 for what
// does not exist, 403 for another user's article or comment, 422 for
// input the app refuses, else 500 (logged, not shown).
func Fail(err error) sandkit.Response {
	var nf api.NotFound
	var in *api.InputError
	switch {
	case errors.As(err, &nf):
		return sandkit.Error(404, nf.Error())
	case errors.Is(err, api.ErrForbidden):
		return sandkit.Error(403, "this is another user's")
	case errors.As(err, &in):
		return sandkit.Error(422, in.Msg)
	}
	sandkit.Errorf("conduit: %v", err)
	return sandkit.Error(500, "internal error")
}

// Refuse answers a form whose input the api package refused (an
// *api.InputError) with the refused-form shape: the message by field, and
// values to fill the form again. Other errors are answered by Fail.
func Refuse(err error, values map[string]string) sandkit.Response {
	var in *api.InputError
	if !errors.As(err, &in) {
		return Fail(err)
	}
	return sandkit.FormError(in.Msg, sandkit.FieldErrors{in.Field: in.Msg}, values)
}

// Session wraps a handler that needs the session and the viewer; a
// visitor who has not logged in is nobody.
func Session(h func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response) sandkit.HandlerFunc {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		return h(r, s, Viewer(s))
	})
}

// Required is Session for handlers only users who logged in may use:
// anyone else is sent to /login?next=<this page>.
func Required(h func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response) sandkit.HandlerFunc {
	return auth.LoginRequired(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		v := Viewer(s)
		if v.ID == 0 {
			return auth.RedirectToLogin(r, auth.LoginPath)
		}
		return h(r, s, v)
	})
}

// markdown renders CommonMark with GitHub's tables, strikethrough and
// autolinks. Raw HTML in the source is left out (goldmark's default
// without html.WithUnsafe), and links and images with javascript:,
// vbscript:, file: or data: (other than images) URLs are emptied. Links
// are marked rel="nofollow ugc" (userLinks).
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(userLinks{}, 1000))),
)

// userLinks marks every link of an article rel="nofollow ugc": anyone can
// write one, so the site does not vouch for where it points (search
// engines give it no weight, which takes the point out of link spam).
type userLinks struct{}

// Transform implements parser.ASTTransformer.
func (userLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if k := n.Kind(); entering && (k == ast.KindLink || k == ast.KindAutoLink) {
			n.SetAttributeString("rel", []byte("nofollow ugc"))
		}
		return ast.WalkContinue, nil
	})
}

// Markdown renders an article's body as HTML that is safe to put in a
// page as it is.
func Markdown(src string) (string, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// PageSize is how many articles a list page shows.
const PageSize = 20

// Paging is where a list page is, for its page links: the page number
// (from 1) and how many articles a page holds.
type Paging struct {
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
}

// PageOf reads ?page= (1 and up; anything else is page 1) and returns it
// with the offset of its first article.
func PageOf(r *sandkit.Request) (p Paging, offset int) {
	page, err := strconv.Atoi(r.QueryValue("page"))
	if err != nil || page < 1 || page > 1_000_000 {
		page = 1
	}
	return Paging{Page: page, PageSize: PageSize}, (page - 1) * PageSize
}

// ArticleForm is what the editor posts. Tags are one field, separated by
// commas or spaces, so the form works without JavaScript.
type ArticleForm struct {
	Title       string `form:"title"`
	Description string `form:"description"`
	Body        string `form:"body"`
	Tags        string `form:"tags"`
}

// TagList splits Tags.
func (f *ArticleForm) TagList() []string {
	return strings.FieldsFunc(f.Tags, func(c rune) bool { return c == ',' || unicode.IsSpace(c) })
}
