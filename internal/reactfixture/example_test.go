package reactfixture_test

import (
	"encoding/json"
	"fmt"

	"sandkit.dev/sandkit/internal/reactfixture"
)

func Example() {
	// The data of a list page of two items, as a render's input carries it.
	var page struct {
		Items []reactfixture.Item `json:"items"`
	}
	if err := json.Unmarshal(reactfixture.ListData(2), &page); err != nil {
		panic(err)
	}
	fmt.Println(len(page.Items), page.Items[1].Title)
	// Output: 2 Item number 1
}
