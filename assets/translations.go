package assets

import "embed"

// TranslationsDir is the folder inside Translations that holds one <language>.json file per
// language, in the format lang.AddTranslationsFS reads.
const TranslationsDir = "translations"

// Translations contains the wizard's user-visible strings: translations/en.json and es.json.
//
//go:embed translations/*.json
var Translations embed.FS
