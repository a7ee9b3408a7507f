package postgres_test

import (
	"fmt"

	"sandkit.dev/sandkit/host/appdb/postgres"
)

// An app's schema is its name, made safe; names that are made alike get a
// hash of the original so that they never share a schema.
func ExampleSchema() {
	fmt.Println(postgres.Schema("blog"))
	fmt.Println(postgres.Schema("my-app") != postgres.Schema("my_app"))
	// Output:
	// sandkit_blog
	// true
}
