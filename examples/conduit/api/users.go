package api

import (
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
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

// ErrBadLogin is Authenticate's answer to a wrong email or password.
var ErrBadLogin = errors.New("email or password is invalid")

// Authenticate checks a user's email and password and returns its id, or
// ErrBadLogin. It takes as long for an unknown email as for a known one.
func Authenticate(email, password string) (int64, error) {
	if err := checkLen("email", email, 254); err != nil {
		return 0, err
	}
	if err := checkLen("password", password, 72); err != nil {
		return 0, err
	}
	rows, err := db.Query("SELECT id, password FROM users WHERE email = ?", strings.ToLower(email))
	if err != nil {
		return 0, err
	}
	var id int64
	hash := dummyHash()
	if rows.Next() {
		id, hash = rows.Int64(0), rows.Bytes(1)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || id == 0 {
		return 0, ErrBadLogin
	}
	return id, nil
}

// Login checks {"user":{"email","password"}} and answers the user with a
// new token; a wrong email or password is a 401.
func Login(r *sandkit.Request) sandkit.Response {
	var in struct{ Email, Password string }
	if err := decode(r, "user", &in); err != nil {
		return answer(r, err)
	}
	id, err := Authenticate(in.Email, in.Password)
	if errors.Is(err, ErrBadLogin) {
		return unauthorized(err.Error())
	}
	if err != nil {
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
