//go:build !linux

// Other systems keep wazero's default allocator.

package host

import "github.com/tetratelabs/wazero/experimental"

func memoryAllocator() experimental.MemoryAllocator { return nil }
