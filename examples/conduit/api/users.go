package api

import (
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"unicode"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// User is the spec's User: the signed-in user with a token.
type User struct {
	Email    string `json:"email"`
	Token    string `json:"token"`
	Username string `json:"username"`
	Bio      string `json:"bio"`
	Image    string `json:"image"`
}

func userJSON(status int, u User) sandkit.Response {
	return sandkit.JSON(status, struct {
		User User `json:"user"`
	}{u})
}

// UserByID reads the user id, without a token; a NotFound error if there
// is none.
func UserByID(id int64) (User, error) { return loadUser(id) }

// loadUser reads the user id.
func loadUser(id int64) (u User, err error) {
	rows, err := db.Query("SELECT email, username, bio, image FROM users WHERE id = ?", id)
	if err != nil {
		return u, err
	}
	if !rows.Next() {
		return u, notFound("no such user")
	}
	err = rows.Scan(&u.Email, &u.Username, &u.Bio, &u.Image)
	return u, err
}

// checkUsername refuses names that would not work in /api/profiles/{username}.
func checkUsername(s string) error {
	if err := checkLen("username", s, 64); err != nil {
		return err
	}
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' && c != '-' && c != '.' {
			return invalid("username may hold only letters, digits, '_', '-' and '.'")
		}
	}
	return nil
}

// checkEmail normalizes an email address (lower case) or refuses it.
func checkEmail(s string) (string, error) {
	if err := checkLen("email", s, 254); err != nil {
		return "", err
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return "", invalid("email is invalid")
	}
	return strings.ToLower(s), nil
}

// taken turns a unique-key failure on users into the spec's 422, saying
// whether another user than id has the email (else the username is taken).
func taken(err error, email string, id int64) error {
	if !db.IsUnique(err) {
		return err
	}
	if rows, qerr := db.Query("SELECT 1 FROM users WHERE email = ? AND id <> ?", email, id); qerr == nil && rows.Len() > 0 {
		return invalid("email has already been taken")
	}
	return invalid("username has already been taken")
}

// Register creates a user from {"user":{"username","email","password"}}.
func Register(r *sandkit.Request) sandkit.Response {
	u, err := register(r)
	if err != nil {
		return answer(r, err)
	}
	return userJSON(201, u)
}

func register(r *sandkit.Request) (User, error) {
	var in struct{ Username, Email, Password string }
	if err := decode(r, "user", &in); err != nil {
		return User{}, err
	}
	id, err := CreateUser(in.Username, in.Email, in.Password)
	if err != nil {
		return User{}, err
	}
	tok, err := newToken(id)
	return User{Email: strings.ToLower(in.Email), Token: tok, Username: in.Username}, err
}

// CreateUser makes a user and returns its id. Input that does not fit (a
// taken username or email included) is an *InputError.
func CreateUser(username, email, password string) (int64, error) {
	if err := checkUsername(username); err != nil {
		return 0, err
	}
	email, err := checkEmail(email)
	if err != nil {
		return 0, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return 0, err
	}
	rows, err := db.Query("INSERT INTO users (username, email, password) VALUES (?, ?, ?) RETURNING id", username, email, hash)
	if err != nil {
		return 0, taken(err, email, 0)
	}
	rows.Next()
	return rows.Int64(0), nil
}

// logins checks passwords at sign-in, for the API and the sign-in page
// alike (auth.Authenticate): the rate limit, the user's hash (argon2id, or
// bcrypt for accounts made before the app switched), and for an email
// nobody has a hash of the password given, so that the refusal takes as
// long as a wrong password's.
var logins = auth.NewAuthenticator(lookupLogin)

// lookupLogin is the user id and password hash of the user with email.
func lookupLogin(email string) (userID, hash string, err error) {
	rows, err := db.Query("SELECT id, password FROM users WHERE email = ?", email)
	if err != nil || !rows.Next() {
		return "", "", err
	}
	return FormatID(rows.Int64(0)), rows.Text(1), nil
}

// Authenticate checks a sign-in from r's client and returns the user's id.
// A wrong email or password is auth.ErrBadCredentials, one past the rate
// limit (5 failures per email, 20 per address, in 15 minutes)
// auth.ErrThrottled; a blank or too long field an *InputError.
func Authenticate(r *sandkit.Request, email, password string) (int64, error) {
	if err := checkLen("email", email, 254); err != nil {
		return 0, err
	}
	if err := checkLen("password", password, 72); err != nil {
		return 0, err
	}
	id, err := logins.Authenticate(r, strings.ToLower(email), password)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(id, 10, 64)
}

// Login checks {"user":{"email","password"}} and answers the user with a
// new token; a wrong email or password is a 401, a sign-in past the rate
// limit a 429.
func Login(r *sandkit.Request) sandkit.Response {
	var in struct{ Email, Password string }
	if err := decode(r, "user", &in); err != nil {
		return answer(r, err)
	}
	id, err := Authenticate(r, in.Email, in.Password)
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return unauthorized("email or password is invalid")
	case errors.Is(err, auth.ErrThrottled):
		return Fail(429, "too many failed sign-ins: try again in 15 minutes")
	case err != nil:
		return answer(r, err)
	}
	u, err := loadUser(id)
	if err == nil {
		u.Token, err = newToken(id)
	}
	if err != nil {
		return Internal(r, err)
	}
	return userJSON(200, u)
}

// CurrentUser answers the signed-in user, with the token it sent.
func CurrentUser(r *sandkit.Request, v Viewer) sandkit.Response {
	u, err := loadUser(v.ID)
	if err != nil {
		return answer(r, err)
	}
	u.Token = v.Token
	return userJSON(200, u)
}

// UpdateUser changes the fields of {"user":{...}} that are present.
func UpdateUser(r *sandkit.Request, v Viewer) sandkit.Response {
	if err := updateUser(r, v); err != nil {
		return answer(r, err)
	}
	return CurrentUser(r, v)
}

func updateUser(r *sandkit.Request, v Viewer) error {
	var in UserChange
	if err := decode(r, "user", &in); err != nil {
		return err
	}
	return ChangeUser(v.ID, in)
}

// UserChange is a change to a user: the fields that are not nil.
type UserChange struct{ Email, Username, Password, Bio, Image *string }

// ChangeUser changes the user id. Input that does not fit (a taken
// username or email included) is an *InputError.
func ChangeUser(id int64, in UserChange) error {
	var sets []string
	var args []any
	set := func(col string, val any) { sets, args = append(sets, col+" = ?"), append(args, val) }
	if in.Username != nil {
		if err := checkUsername(*in.Username); err != nil {
			return err
		}
		set("username", *in.Username)
	}
	var email string // the new one, if any
	if in.Email != nil {
		var err error
		if email, err = checkEmail(*in.Email); err != nil {
			return err
		}
		set("email", email)
	}
	if in.Bio != nil {
		if len(*in.Bio) > 4096 {
			return invalid("bio is too long (at most 4096 bytes)")
		}
		set("bio", *in.Bio)
	}
	if in.Image != nil {
		if len(*in.Image) > 2048 {
			return invalid("image is too long (at most 2048 bytes)")
		}
		set("image", *in.Image)
	}
	if in.Password != nil {
		hash, err := hashPassword(*in.Password)
		if err != nil {
			return err
		}
		set("password", hash)
	}
	if len(sets) == 0 {
		return invalid("user: give at least one of email, username, password, bio, image")
	}
	_, err := db.Exec("UPDATE users SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, id)...)
	return taken(err, email, id)
}

// FormatID is a user id as a session keeps it.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }
