package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/links"
	"github.com/cioaep/setup/flows/setup"
)

// problem is a failure put into words for the user, in the language now loaded.
type problem struct {
	What    string // the failure, with the value involved
	Next    string // the next thing to do
	Details string // technical details for support: codes and request IDs, never a secret
}

// messageKeys are the translation keys of one cause: what failed and what to do next.
type messageKeys struct{ what, next string }

// adobeMessages translates the causes of *aep.Error.
var adobeMessages = map[aep.Cause]messageKeys{
	aep.CauseInvalidClient:        {"error.aep.invalid_client", "error.aep.invalid_client_next"},
	aep.CauseUnauthorizedClient:   {"error.aep.unauthorized_client", "error.aep.unauthorized_client_next"},
	aep.CauseInvalidScope:         {"error.aep.invalid_scope", "error.aep.invalid_scope_next"},
	aep.CauseInvalidRequest:       {"error.aep.invalid_request", "error.aep.invalid_request_next"},
	aep.CauseAPINotAdded:          {"error.aep.api_not_added", "error.aep.api_not_added_next"},
	aep.CauseNotEntitled:          {"error.aep.not_entitled", "error.aep.not_entitled_next"},
	aep.CauseOrgHeader:            {"error.aep.org_header", "error.aep.org_header_next"},
	aep.CauseSandboxNotFound:      {"error.aep.sandbox_not_found", "error.aep.sandbox_not_found_next"},
	aep.CauseMissingPermission:    {"error.aep.missing_permission", "error.aep.missing_permission_next"},
	aep.CauseSourceNotProvisioned: {"error.aep.source_not_provisioned", "error.aep.source_not_provisioned_next"},
	aep.CauseSchemaMismatch:       {"error.aep.schema_mismatch", "error.aep.schema_mismatch_next"},
	aep.CauseTokenExpired:         {"error.aep.token_expired", "error.aep.token_expired_next"},
	aep.CauseNotFound:             {"error.aep.not_found", "error.aep.not_found_next"},
	aep.CauseNetwork:              {"error.aep.network", "error.aep.network_next"},
	aep.CauseTimeout:              {"error.aep.timeout", "error.aep.timeout_next"},
	aep.CauseCanceled:             {"error.aep.canceled", "error.aep.canceled_next"},
	aep.CauseOther:                {"error.aep.other", "error.aep.other_next"},
}

// setupMessages translates the causes of *setup.Error. CauseAdobe is missing on purpose,
// because the Adobe error behind it is more precise.
var setupMessages = map[setup.Cause]messageKeys{
	setup.CauseInvalidInput:           {"error.setup.invalid_input", "error.setup.invalid_input_next"},
	setup.CauseProductionNotConfirmed: {"error.setup.production_not_confirmed", "error.setup.production_not_confirmed_next"},
	setup.CauseSandboxInactive:        {"error.setup.sandbox_inactive", "error.setup.sandbox_inactive_next"},
	setup.CauseDatasetRequired:        {"error.setup.dataset_required", "error.setup.dataset_required_next"},
	setup.CauseUnknownEventGroup:      {"error.setup.unknown_event_group", "error.setup.unknown_event_group_next"},
	setup.CauseNoSchema:               {"error.setup.no_schema", "error.setup.no_schema_next"},
	setup.CauseNotExperienceEvent:     {"error.setup.not_experience_event", "error.setup.not_experience_event_next"},
	setup.CauseMappingIncomplete:      {"error.setup.mapping_incomplete", "error.setup.mapping_incomplete_next"},
	setup.CauseMappingInvalid:         {"error.setup.mapping_invalid", "error.setup.mapping_invalid_next"},
	setup.CauseSchemaMismatch:         {"error.aep.schema_mismatch", "error.aep.schema_mismatch_next"},
	setup.CauseInletTimeout:           {"error.setup.inlet_timeout", "error.setup.inlet_timeout_next"},
	setup.CauseCanceled:               {"error.setup.canceled", "error.setup.canceled_next"},
	setup.CauseJournal:                {"error.setup.journal", "error.setup.journal_next"},
	setup.CauseRunNotFound:            {"error.setup.run_not_found", "error.setup.run_not_found_next"},
	setup.CauseRunRolledBack:          {"error.setup.run_rolled_back", "error.setup.run_rolled_back_next"},
	setup.CauseRollbackIncomplete:     {"error.setup.rollback_incomplete", "error.setup.rollback_incomplete_next"},
}

// keyringMessages translates why the OS keyring cannot be used.
var keyringMessages = map[credentials.Cause]string{
	credentials.CauseNoDBusSession:    "error.keyring.no_dbus_session",
	credentials.CauseNoSecretService:  "error.keyring.no_secret_service",
	credentials.CauseLocked:           "error.keyring.locked",
	credentials.CauseWSL:              "error.keyring.wsl",
	credentials.CauseDataTooBig:       "error.keyring.data_too_big",
	credentials.CauseReadBackMismatch: "error.keyring.read_back_mismatch",
	credentials.CauseOther:            "error.keyring.other",
}

// keyringRemedies translates the advice for each keyring cause.
var keyringRemedies = map[credentials.Remedy]string{
	credentials.RemedyStartDBusSession:     "error.keyring.remedy_start_dbus_session",
	credentials.RemedyInstallSecretService: "error.keyring.remedy_install_secret_service",
	credentials.RemedyUnlockKeyring:        "error.keyring.remedy_unlock_keyring",
	credentials.RemedyUseWindowsBuild:      "error.keyring.remedy_use_windows_build",
	credentials.RemedyCheckSecretValue:     "error.keyring.remedy_check_secret_value",
	credentials.RemedyContinueSessionOnly:  "error.keyring.remedy_continue_session_only",
}

// projectMessages translates why a Developer Console file was rejected.
var projectMessages = map[credentials.ProjectCause]messageKeys{
	credentials.ProjectTooLarge:          {"error.project.too_large", "error.project.wrong_file_next"},
	credentials.ProjectNotJSON:           {"error.project.not_json", "error.project.wrong_file_next"},
	credentials.ProjectInvalidField:      {"error.project.invalid_field", "error.project.wrong_file_next"},
	credentials.ProjectMissingField:      {"error.project.missing_field", "error.project.wrong_file_next"},
	credentials.ProjectNoOAuthCredential: {"error.project.no_oauth", "error.project.no_oauth_next"},
	credentials.ProjectReadFailed:        {"error.project.read_failed", "error.project.read_failed_next"},
}

// explain puts err into words. Typed errors from the flows packages get a sentence per cause
// with the values involved. Anything else gets a generic sentence with its text, which the
// flows packages keep free of secrets.
func explain(err error) problem {
	var (
		setupErr   *setup.Error
		adobeErr   *aep.Error
		keyringErr *credentials.KeyringError
		projectErr *credentials.ProjectError
		openErr    *links.OpenError
	)
	switch {
	case errors.As(err, &setupErr):
		return explainSetup(setupErr)
	case errors.As(err, &adobeErr):
		return explainAdobe(adobeErr)
	case errors.As(err, &keyringErr):
		return problem{
			What: lang.L(keyringMessages[keyringErr.Cause]),
			Next: lang.L(keyringRemedies[keyringErr.Remedy()]),
		}
	case errors.As(err, &projectErr):
		return explainProject(projectErr, "")
	case errors.As(err, &openErr):
		return problem{What: lang.L("error.open.failed"), Next: lang.L("error.open.failed_next")}
	}

	return problem{
		What: lang.L("error.unknown", map[string]string{"Error": err.Error()}),
		Next: lang.L("error.unknown_next"),
	}
}

// credentialTypeNames translates the integration_type values of Developer Console
// credentials that the project messages name. Other types are shown as they are.
var credentialTypeNames = map[string]string{
	"service": "error.project.type_service", // JWT, the deprecated Service Account credential
}

// explainProject puts the rejection of the Developer Console file named file into words. An
// empty name stands for a file whose name is unknown.
func explainProject(e *credentials.ProjectError, file string) problem {
	keys, ok := projectMessages[e.Cause]
	if !ok {
		keys = projectMessages[credentials.ProjectReadFailed]
	}

	types := make([]string, len(e.FoundTypes))
	for i, t := range e.FoundTypes {
		types[i] = t
		if key, ok := credentialTypeNames[t]; ok {
			types[i] = lang.L(key)
		}
	}

	name := lang.L("error.project.this_file")
	if file != "" {
		name = lang.L("error.project.file", map[string]string{"Name": file})
	}
	data := map[string]any{
		"File":  name,
		"Field": e.Field,
		"Limit": fmt.Sprintf("%d KiB", credentials.MaxProjectFileSize/1024),
		"Types": strings.Join(types, ", "),
	}
	return problem{What: lang.L(keys.what, data), Next: lang.L(keys.next, data)}
}

// IMS error descriptions of the invalid_client error that name the rejected value.
// NOTE: an Adobe-authored sample handles these two texts, but Adobe does not document them, so
// any other description falls back to naming both values.
const (
	imsInvalidClientID     = "invalid client_id parameter"
	imsInvalidClientSecret = "invalid client_secret parameter"
)

// adobeMessageKeys returns the translation keys for e: those of its cause, or of the one value
// that IMS names as rejected.
func adobeMessageKeys(e *aep.Error) messageKeys {
	if e.Cause == aep.CauseInvalidClient {
		switch {
		case strings.Contains(e.Message, imsInvalidClientID):
			return messageKeys{"error.aep.invalid_client_id", "error.aep.invalid_client_id_next"}
		case strings.Contains(e.Message, imsInvalidClientSecret):
			return messageKeys{"error.aep.invalid_client_secret", "error.aep.invalid_client_secret_next"}
		}
	}
	if keys, ok := adobeMessages[e.Cause]; ok {
		return keys
	}
	return adobeMessages[aep.CauseOther]
}

func explainAdobe(e *aep.Error) problem {
	keys := adobeMessageKeys(e)
	data := map[string]any{
		"Sandbox":    e.Sandbox,
		"Scopes":     e.Scopes,
		"Permission": e.Permission,
		"Message":    e.Message,
		"Status":     e.Status,
	}
	if e.Message == "" {
		data["Message"] = string(e.Cause)
	}
	return problem{What: lang.L(keys.what, data), Next: lang.L(keys.next, data), Details: adobeDetails(e)}
}

// adobeDetails lists the values Adobe support needs to find a request.
func adobeDetails(e *aep.Error) string {
	var parts []string
	add := func(key, value string) {
		if value != "" {
			parts = append(parts, lang.L(key, map[string]string{"Value": value}))
		}
	}
	add("error.details.operation", e.Op)
	if e.Status != 0 {
		add("error.details.status", fmt.Sprint(e.Status))
	}
	add("error.details.code", e.Code)
	add("error.details.request_id", e.RequestID)
	return strings.Join(parts, " · ")
}

func explainSetup(e *setup.Error) problem {
	var p problem
	if keys, ok := setupMessages[e.Cause]; ok {
		value := e.Value
		if e.Cause == setup.CauseNotExperienceEvent {
			value = className(value)
		}
		data := map[string]any{
			"Sandbox": e.Sandbox,
			"Value":   value,
			"RunID":   e.RunID,
			"Missing": strings.Join(e.Missing, ", "),
			"Fields":  mappingIssues(e),
			"Created": resourceNames(e.Created),
		}
		p = problem{What: lang.L(keys.what, data), Next: lang.L(keys.next, data)}
	} else {
		var adobeErr *aep.Error
		if errors.As(e.Err, &adobeErr) {
			p = explainAdobe(adobeErr)
		} else {
			p = explain(e.Err)
		}
	}

	if e.Step != "" {
		p.What = lang.L("error.during_step", map[string]string{"Step": stepName(e.Step), "Problem": p.What})
	}
	if e.RunID != "" {
		run := lang.L("error.details.run", map[string]string{"Value": e.RunID})
		if p.Details == "" {
			p.Details = run
		} else {
			p.Details = run + " · " + p.Details
		}
	}
	return p
}

// mappingIssues lists the unknown fields and Data Prep's rejections of a mapping.
func mappingIssues(e *setup.Error) string {
	parts := append([]string(nil), e.Unknown...)
	for _, issue := range e.Issues {
		parts = append(parts, issue.Destination+": "+issue.Message)
	}
	return strings.Join(parts, "; ")
}

// resourceNames lists resources as "name (ID)", or the ID alone when the resource has no name.
func resourceNames(resources []setup.Resource) string {
	parts := make([]string, len(resources))
	for i, r := range resources {
		parts[i] = r.ID
		if r.Name != "" {
			parts[i] = r.Name + " (" + r.ID + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// stepNames translates the steps of a setup run.
var stepNames = map[setup.StepID]string{
	setup.StepCheckSource:      "step.check_source",
	setup.StepFieldGroup:       "step.field_group",
	setup.StepSchema:           "step.schema",
	setup.StepDataset:          "step.dataset",
	setup.StepReadDataset:      "step.read_dataset",
	setup.StepValidateMapping:  "step.validate_mapping",
	setup.StepMappingSet:       "step.mapping_set",
	setup.StepSourceConnection: "step.source_connection",
	setup.StepTargetConnection: "step.target_connection",
	setup.StepFlow:             "step.dataflow",
	setup.StepInlet:            "step.inlet",
	setup.StepRollback:         "step.rollback",
}

// stepName returns the translated name of a step, or its ID for a step added later.
func stepName(id setup.StepID) string {
	if key, ok := stepNames[id]; ok {
		return lang.L(key)
	}
	return string(id)
}

// kindNames translates the kinds of resources a setup creates.
var kindNames = map[setup.ResourceKind]string{
	setup.KindFieldGroup:       "kind.field_group",
	setup.KindSchema:           "kind.schema",
	setup.KindDataset:          "kind.dataset",
	setup.KindMappingSet:       "kind.mapping_set",
	setup.KindSourceConnection: "kind.source_connection",
	setup.KindTargetConnection: "kind.target_connection",
	setup.KindFlow:             "kind.dataflow",
}

// kindName returns the translated name of a resource kind.
func kindName(kind setup.ResourceKind) string {
	if key, ok := kindNames[kind]; ok {
		return lang.L(key)
	}
	return string(kind)
}
