// Package customerio talks to Customer.io's App API about reporting webhooks, holds
// the catalogue of reporting-webhook events the wizard offers, and sends signed test
// events to a webhook URL the way Customer.io delivers them.
//
// A reporting webhook is Customer.io's outgoing feed of message and subscription
// events. The wizard points one at an Adobe Experience Platform streaming inlet
// (`{inletUrl}?x-adobe-flow-id={flowId}`), first disabled, then enabled once test
// events of every chosen group were accepted.
package customerio
