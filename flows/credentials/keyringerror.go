package credentials

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/zalando/go-keyring"
)

// Cause is the machine-readable reason a keyring operation failed.
// The UI translates it and shows the advice that Remedy returns.
type Cause string

// Causes of keyring failures, from the most specific to the least.
const (
	// CauseNoDBusSession means no D-Bus session bus was found and none could be
	// started, for example in a shell without a desktop session.
	CauseNoDBusSession Cause = "no-dbus-session"
	// CauseNoSecretService means the session bus has no Secret Service provider
	// such as gnome-keyring or KeePassXC.
	CauseNoSecretService Cause = "no-secret-service"
	// CauseLocked means the provider exists but its default collection is
	// locked and nothing could ask the user to unlock it.
	CauseLocked Cause = "keyring-locked"
	// CauseWSL means the app runs under Windows Subsystem for Linux, which has
	// no keyring of its own, and the error matched none of the causes above.
	CauseWSL Cause = "wsl"
	// CauseDataTooBig means a secret is larger than MaxSecretSize or the
	// platform keyring rejected it as too big.
	CauseDataTooBig Cause = "data-too-big"
	// CauseReadBackMismatch means the keyring accepted a write but returned a
	// different value when it was read back.
	CauseReadBackMismatch Cause = "read-back-mismatch"
	// CauseOther covers every other keyring error. Err holds the details.
	CauseOther Cause = "other"
)

// Remedy is the machine-readable advice for a Cause. The UI translates it
// into a sentence in the chosen language.
type Remedy string

// Remedies, one per Cause.
const (
	// RemedyStartDBusSession asks the user to log in to a desktop session or
	// to start the app inside one with dbus-run-session.
	RemedyStartDBusSession Remedy = "start-dbus-session"
	// RemedyInstallSecretService asks the user to install and start a Secret
	// Service provider: gnome-keyring, KeePassXC with its Secret Service
	// integration, or KWallet configured to offer the Secret Service API.
	RemedyInstallSecretService Remedy = "install-secret-service"
	// RemedyUnlockKeyring asks the user to unlock the "login" keyring, for
	// example with the Passwords and Keys app, and to try again.
	RemedyUnlockKeyring Remedy = "unlock-keyring"
	// RemedyUseWindowsBuild asks the user to run the Windows build of the
	// app, which stores secrets in Windows Credential Manager, or to set up a
	// Secret Service provider inside the WSL distribution.
	RemedyUseWindowsBuild Remedy = "use-windows-build"
	// RemedyCheckSecretValue asks the user to check that the pasted value is
	// the secret itself, because real client secrets and App API keys are far
	// smaller than the limit.
	RemedyCheckSecretValue Remedy = "check-secret-value"
	// RemedyContinueSessionOnly tells the user that the wizard continues
	// without remembering the credentials and that the log contains the
	// underlying error.
	RemedyContinueSessionOnly Remedy = "continue-session-only"
)

// Remedy returns the advice the UI shows for the cause.
func (c Cause) Remedy() Remedy {
	switch c {
	case CauseNoDBusSession:
		return RemedyStartDBusSession
	case CauseNoSecretService:
		return RemedyInstallSecretService
	case CauseLocked:
		return RemedyUnlockKeyring
	case CauseWSL:
		return RemedyUseWindowsBuild
	case CauseDataTooBig:
		return RemedyCheckSecretValue
	default:
		return RemedyContinueSessionOnly
	}
}

// Keyring operations named in KeyringError.Op.
const (
	OpProbe  = "probe"
	OpSet    = "set"
	OpGet    = "get"
	OpDelete = "delete"
)

// KeyringError is a failed keyring operation with its classified cause.
// It never contains a secret value.
type KeyringError struct {
	// Op is the operation that failed: OpProbe, OpSet, OpGet or OpDelete.
	Op string
	// Account is the keyring account name of the entry, such as
	// "ORG@AdobeOrg/0123abcd/client-secret". It is not secret.
	Account string
	// Cause is the classified reason.
	Cause Cause
	// Size and Limit are the secret size and the limit in bytes, set only
	// when Cause is CauseDataTooBig. Limit is 0 when the platform keyring
	// rejected the secret, because go-keyring does not return its limit.
	Size, Limit int
	// Err is the underlying error, nil for checks done before the keyring
	// was called.
	Err error
}

// Error describes the failure for logs.
func (e *KeyringError) Error() string {
	message := fmt.Sprintf("credentials: keyring %s of %q failed (%s)", e.Op, e.Account, e.Cause)
	if e.Cause == CauseDataTooBig && e.Size > 0 {
		message += fmt.Sprintf(": secret is %d bytes", e.Size)
		if e.Limit > 0 {
			message += fmt.Sprintf(", maximum is %d", e.Limit)
		}
	}
	if e.Err != nil {
		message += ": " + e.Err.Error()
	}
	return message
}

// Unwrap returns the underlying keyring error.
func (e *KeyringError) Unwrap() error {
	return e.Err
}

// Remedy returns the advice for the error's cause.
func (e *KeyringError) Remedy() Remedy {
	return e.Cause.Remedy()
}

// Error texts from godbus v5.2.2 and go-keyring v0.2.8 (secret_service
// package), and from the D-Bus daemon when no provider is installed.
const (
	dbusLaunchMissing     = `"dbus-launch"`
	sessionBusUnknown     = "couldn't determine address of session bus"
	secretServiceMissing  = "org.freedesktop.secrets was not provided by any .service files"
	collectionStillLocked = "failed to unlock correct collection"
)

// classify maps a go-keyring error to a Cause. onWSL is consulted only when
// no specific cause matches, because on WSL the generic remedy is more useful
// than "other".
func classify(err error, onWSL func() bool) Cause {
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return CauseDataTooBig
	}

	var execErr *exec.Error
	if errors.As(err, &execErr) && execErr.Name == "dbus-launch" {
		return CauseNoDBusSession
	}

	message := err.Error()
	switch {
	case strings.Contains(message, dbusLaunchMissing), strings.Contains(message, sessionBusUnknown):
		return CauseNoDBusSession
	case strings.Contains(message, secretServiceMissing):
		return CauseNoSecretService
	case strings.Contains(message, collectionStillLocked):
		return CauseLocked
	}

	if onWSL != nil && onWSL() {
		return CauseWSL
	}
	return CauseOther
}

// procVersionPath is the kernel version file that names Microsoft's kernel
// under WSL 1 and WSL 2.
const procVersionPath = "/proc/version"

// runningOnWSL reports whether the process runs under Windows Subsystem for
// Linux. Tests replace it.
var runningOnWSL = func() bool {
	return runtime.GOOS == "linux" && isWSLKernel(procVersionPath)
}

// isWSLKernel reports whether the kernel version file at path names
// Microsoft or WSL, as both WSL 1 ("Microsoft") and WSL 2
// ("microsoft-standard-WSL2") kernels do.
func isWSLKernel(path string) bool {
	version, err := os.ReadFile(path)
	if err != nil {
		return false
	}

	lower := strings.ToLower(string(version))
	return strings.Contains(lower, "microsoft") || strings.Contains(lower, "wsl")
}
