// Package testhook lets sandkittest make a sandkit.Request, whose fields
// package sandkit keeps to itself, without a public constructor that
// handlers could misuse inside the host.
package testhook

import "sandkit.dev/sandkit/abi"

// NewRequest returns a *sandkit.Request (as any) for head whose body reads
// body; after bodyLimit bytes (0: no limit) reading fails as the host's
// limits.body_bytes makes it fail. Package sandkit sets it in native
// builds.
var NewRequest func(head abi.RequestHead, body []byte, bodyLimit int) any
