// Internals of the package that its external tests (package postgres_test)
// drive: provisioning and the password derivation.

package postgres

var (
	Provision    = provision
	AdminFromEnv = adminFromEnv
	QuoteIdent   = quoteIdent
	// Resets counts the sessions reset at the end of a request.
	Resets = &resets
)

// Locked is stmts run in a transaction under the provisioning lock (a
// test's own change of the database's privileges).
func Locked(stmts string) string { return "BEGIN; " + provisioningLock + "; " + stmts + "; COMMIT" }

// Password is the login password the host derives for role.
func (p pgAdmin) Password(role string) string { return p.password(role) }

// Secret is the key the passwords are derived under.
func (p pgAdmin) Secret() []byte { return p.secret }
