// Memory: every instance's linear memory is reserved up front
// (internal/linearmem), so growing never copies and a freed instance
// returns its pages at once.

package host

import (
	"github.com/tetratelabs/wazero/experimental"

	"sandkit.dev/sandkit/internal/linearmem"
)

// memoryAllocator returns the allocator instances are created with; nil
// (outside Linux) means wazero's default.
func memoryAllocator() experimental.MemoryAllocator { return linearmem.New(nil) }
