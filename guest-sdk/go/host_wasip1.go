//go:build wasip1

// Host imports: the sandkit functions of spec/abi.md §5, wrapped for slices
// and strings.

package sandkit

import "unsafe"

//go:wasmimport sandkit result_read
//go:noescape
func importResultRead(ptr unsafe.Pointer, n int32) int32

//go:wasmimport sandkit body_read
//go:noescape
func importBodyRead(ptr unsafe.Pointer, n int32) int32

//go:wasmimport sandkit resp_status
func importRespStatus(code int32) int32

//go:wasmimport sandkit resp_header
//go:noescape
func importRespHeader(namePtr unsafe.Pointer, nameLen int32, valPtr unsafe.Pointer, valLen int32) int32

//go:wasmimport sandkit resp_write
//go:noescape
func importRespWrite(ptr unsafe.Pointer, n int32) int32

//go:wasmimport sandkit resp_send
//go:noescape
func importRespSend(status int32, headersPtr unsafe.Pointer, headersLen int32, bodyPtr unsafe.Pointer, bodyLen int32) int32

//go:wasmimport sandkit log
//go:noescape
func importLog(level int32, ptr unsafe.Pointer, n int32)

//go:wasmimport sandkit env_get
//go:noescape
func importEnvGet(ptr unsafe.Pointer, n int32) int32

func hostResultRead(p []byte) int32 {
	return importResultRead(unsafe.Pointer(unsafe.SliceData(p)), int32(len(p)))
}

func hostBodyRead(p []byte) int32 {
	return importBodyRead(unsafe.Pointer(unsafe.SliceData(p)), int32(len(p)))
}

func hostRespStatus(code int32) int32 { return importRespStatus(code) }

func hostRespHeader(name, value string) int32 {
	return importRespHeader(unsafe.Pointer(unsafe.StringData(name)), int32(len(name)),
		unsafe.Pointer(unsafe.StringData(value)), int32(len(value)))
}

func hostRespWrite(s string) int32 {
	return importRespWrite(unsafe.Pointer(unsafe.StringData(s)), int32(len(s)))
}

func hostRespSend(status int32, headers []byte, body string) int32 {
	return importRespSend(status, unsafe.Pointer(unsafe.SliceData(headers)), int32(len(headers)),
		unsafe.Pointer(unsafe.StringData(body)), int32(len(body)))
}

func hostLog(level int32, msg string) {
	importLog(level, unsafe.Pointer(unsafe.StringData(msg)), int32(len(msg)))
}

func hostEnvGet(key string) int32 {
	return importEnvGet(unsafe.Pointer(unsafe.StringData(key)), int32(len(key)))
}

// testBody exists only in native builds, for sandkittest's requests.
type testBody struct{}

func (*testBody) read([]byte) int32 { return 0 }
