// Package abi is the contract between the sandkit host and a guest module:
// the names a guest exports and imports, the limits the host enforces, and
// the byte encoding of a request head. spec/abi.md is the normative prose;
// this package is the same contract as Go constants and codecs, shared by the
// host (native) and the Go guest SDK (GOOS=wasip1). It imports only the
// standard library.
//
// A reactor guest exports [ExportVersion], [ExportAlloc] and [ExportHandle].
// For each request the host places the encoded [RequestHead] in the guest's
// result slot and calls handle(len). The guest copies the head out with the
// host import [ImportResultRead], decodes it with [DecodeRequestHead], reads
// the body with [ImportBodyRead], and answers with one call of
// [ImportRespSend] (status, headers encoded by [AppendPairs], and body), or
// piece by piece through [ImportRespStatus], [ImportRespHeader] and
// [ImportRespWrite].
package abi

// Version is the ABI version this package describes. A guest's
// sandkit_abi_version export must return it.
const Version = 1

// ModuleName is the import module under which every host function lives.
const ModuleName = "sandkit"

// Exports a reactor guest provides.
const (
	// ExportVersion is () -> i32: the ABI version the guest was built for.
	ExportVersion = "sandkit_abi_version"
	// ExportAlloc is (size i32) -> i32: a pointer to size fresh bytes that
	// stay valid until the current handle call returns; 0 if out of memory.
	ExportAlloc = "sandkit_alloc"
	// ExportHandle is (head_len i32) -> i32: serve one request whose encoded
	// head waits in the result slot. Returns [HandleOK] or a guest error code.
	ExportHandle = "sandkit_handle"
	// ExportInitialize is WASI's reactor initializer, called once per instance.
	ExportInitialize = "_initialize"
	// ExportStart marks a command-style (CGI) guest.
	ExportStart = "_start"
)

// Host functions under [ModuleName]. Pointers and lengths are i32; every
// range is checked against the guest's memory and a bad one traps the request.
const (
	// ImportResultRead is (ptr, len i32) -> i32: copies up to len bytes of the
	// result slot into guest memory at ptr and returns the count copied.
	ImportResultRead = "result_read"
	// ImportBodyRead is (ptr, len i32) -> i32: reads the next chunk of the
	// request body into ptr; returns bytes read, 0 at end of body.
	ImportBodyRead = "body_read"
	// ImportRespStatus is (code i32) -> i32: sets the status (100..999).
	ImportRespStatus = "resp_status"
	// ImportRespHeader is (name_ptr, name_len, val_ptr, val_len i32) -> i32:
	// adds one response header.
	ImportRespHeader = "resp_header"
	// ImportRespWrite is (ptr, len i32) -> i32: appends to the response body.
	ImportRespWrite = "resp_write"
	// ImportRespSend is (status, headers_ptr, headers_len, body_ptr,
	// body_len i32) -> i32: the whole response in one call: sets the
	// status, adds the headers (a list as [AppendPairs] encodes it; an
	// empty range is an empty list) and appends the body, all or nothing.
	ImportRespSend = "resp_send"
	// ImportLog is (level, ptr, len i32): writes one log record.
	ImportLog = "log"
	// ImportEnvGet is (key_ptr, key_len i32) -> i32: looks up a configured env
	// value; on success its length is returned and its bytes fill the result
	// slot; [ErrNotFound] if the key is unset.
	ImportEnvGet = "env_get"
)

// Return codes of host functions. Non-negative values are successes (a
// length or a count); negative values are errors the guest may handle.
const (
	OK            int32 = 0
	ErrNotFound   int32 = -1 // the key or value does not exist
	ErrTooLarge   int32 = -2 // a size limit of the host was hit
	ErrBadInput   int32 = -3 // an argument is out of its allowed range
	ErrState      int32 = -4 // the call is not allowed now (e.g. header after body)
	ErrUnexpected int32 = -5 // a host-side failure; the request should end
)

// Return codes of the handle export.
const (
	HandleOK int32 = 0 // the response is complete
	// Any other value means the guest failed; the host answers 500.
)

// Log levels accepted by [ImportLog]; they match log/slog's levels.
const (
	LogDebug int32 = -4
	LogInfo  int32 = 0
	LogWarn  int32 = 4
	LogError int32 = 8
)

// Limits the host enforces whatever the app configures; an app may lower
// them. They bound what one guest call can make the host allocate.
const (
	MaxHeaderName  = 256       // bytes in a response header name
	MaxHeaderValue = 8 << 10   // bytes in a response header value
	MaxHeaders     = 100       // response headers per request
	MaxLogRecord   = 16 << 10  // bytes per log record; longer ones are cut
	MaxEnvKey      = 256       // bytes in an env key
	MaxHead        = 256 << 10 // bytes in an encoded request head
	MaxCGIHeaders  = 256       // request header lines a command guest's environment takes
)

// The values of [EnvDatabaseEngine].
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Names the host and guests share for cookies, sessions, the client's
// address (spec/abi.md §10) and the database engine (§9).
const (
	// EnvSecretKey is the env_get key under which a guest reads the app's
	// secret_key setting (spec/config.md), the key its signed cookies use.
	EnvSecretKey = "SANDKIT_SECRET_KEY"
	// EnvDatabaseEngine names the engine that keeps the app's data,
	// [EngineSQLite] or [EnginePostgres]: a WASI environment variable of
	// every instance (readable from the guest's initialisation on) and an
	// env_get key (spec/abi.md §9).
	EnvDatabaseEngine = "SANDKIT_DATABASE_ENGINE"
	// HeaderClientIP is the request header in which the host passes the
	// client's IP address (the TCP peer's). The host removes any copy the
	// client sent, so a guest can trust it.
	HeaderClientIP = "Sandkit-Client-Ip"
)

// Password imports (spec/abi.md §5, "Passwords"): the host hashes and
// verifies passwords natively, with its own parameters and concurrency
// bound.
const (
	// ImportPasswordHash is (pw_ptr, pw_len i32) -> i32: hashes the password
	// with argon2id at the host's parameters; on success the PHC string's
	// length is returned and its bytes fill the result slot.
	ImportPasswordHash = "password_hash"
	// ImportPasswordVerify is (hash_ptr, hash_len, pw_ptr, pw_len i32) -> i32:
	// 1 if the password matches the stored hash (argon2id or bcrypt), 0 if
	// not.
	ImportPasswordVerify = "password_verify"
	// ImportPasswordParams is () -> i32: the prefix of the hashes
	// password_hash makes now (up to the salt) fills the result slot and its
	// length is returned.
	ImportPasswordParams = "password_params"

	// MaxPassword is the longest password the password imports take, in bytes.
	MaxPassword = 1024
	// MaxPasswordHash is the longest stored hash password_verify reads, in bytes.
	MaxPasswordHash = 256
)
