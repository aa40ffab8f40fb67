// Package assets embeds the files the app ships: icon, translations and sample events.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon, drawn for this project.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
