package main

import (
	"os"

	"github.com/cioaep/setup/app"
)

func main() {
	os.Exit(app.Run(os.Args[1:]))
}
