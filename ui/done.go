package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/links"
	"github.com/cioaep/setup/flows/setup"
)

// timeLayout formats the time after which the webhook may be enabled, in local time.
const timeLayout = "15:04"

// doneStep hands over the result: the webhook URL with a Copy button, the IDs, links to Adobe
// Experience Platform and Customer.io, and the steps to finish in Customer.io.
type doneStep struct {
	w *Wizard

	webhook     *widget.Label
	copyWebhook *widget.Button
	copyFlow    *widget.Button
	copyInlet   *widget.Button
	copyDataset *widget.Button
	openAEP     *widget.Button
	fallback    *fyne.Container

	// slot contains a later panel, such as the one that creates the Customer.io webhook.
	slot *fyne.Container

	// webhookPanel creates the Customer.io webhook; it keeps its values and outcome across
	// rebuilds of the screen for the same dataflow.
	webhookPanel *webhookPanel
}

func (s *doneStep) title() string {
	return lang.L("done.title")
}

// nav offers Start over in place of Back, because the Done screen leads to Welcome, not to
// the review step.
func (s *doneStep) nav() navigation {
	return navigation{
		back:     func() { s.w.show(screenWelcome) },
		backText: lang.L("done.start_over"),
		backIcon: theme.HomeIcon(),
	}
}

// showLastSetup opens the Done screen with a result saved by an earlier run.
func (w *Wizard) showLastSetup(result setup.Result) {
	w.state.result = &result
	w.show(screenDone)
}

func (s *doneStep) build() fyne.CanvasObject {
	result := s.w.state.result
	s.slot = container.NewVBox()
	if result == nil {
		return newNote(lang.L("done.nothing"))
	}

	heading := widget.NewLabelWithStyle(lang.L("done.ready"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})

	webhook, copyWebhook := s.w.newCopyField(result.WebhookURL)
	s.webhook = webhook.Objects[0].(*widget.Label)
	s.copyWebhook = copyWebhook
	s.copyWebhook.Importance = widget.HighImportance
	webhookCard := widget.NewCard("", lang.L("done.webhook"), webhook)

	flow, copyFlow := s.w.newCopyField(result.FlowID)
	inlet, copyInlet := s.w.newCopyField(result.InletURL)
	dataset, copyDataset := s.w.newCopyField(result.DatasetID)
	s.copyFlow, s.copyInlet, s.copyDataset = copyFlow, copyInlet, copyDataset
	details := widget.NewForm(
		widget.NewFormItem(lang.L("done.flow_id"), flow),
		widget.NewFormItem(lang.L("done.inlet"), inlet),
		widget.NewFormItem(lang.L("done.dataset_id"), dataset),
		widget.NewFormItem(lang.L("done.sandbox"), widget.NewLabel(result.Sandbox)),
	)

	s.fallback = container.NewVBox()
	s.openAEP = widget.NewButtonWithIcon(lang.L("done.open_aep"), theme.ComputerIcon(), func() {
		s.w.openLink(links.DataflowPage(result.Sandbox, result.FlowID), s.fallback)
	})
	if s.w.state.demo {
		// A dataflow of the simulated platform has no page in Adobe Experience Platform.
		s.openAEP.Disable()
		s.fallback.Add(newWrappedLabel(lang.L("done.open_aep_demo")))
	}

	content := container.NewVBox(
		heading,
		webhookCard,
		s.waitNotice(*result),
		details,
		container.NewHBox(s.openAEP),
		s.fallback,
		s.instructions(*result),
	)

	// The slot sits below a separator so that a later panel reads as a separate task.
	if s.w.opts.DonePanel != nil {
		s.slot.Add(s.w.opts.DonePanel(*result))
	}
	s.addWebhookPanel(*result)
	content.Add(widget.NewSeparator())
	content.Add(s.slot)

	scroll := container.NewVScroll(content)
	if s.webhookPanel != nil {
		s.webhookPanel.scroll = scroll
		if s.webhookPanel.keyWheel != nil {
			s.webhookPanel.keyWheel.page = scroll
		}
	}
	return scroll
}

// waitNotice returns the request to wait about five minutes after the dataflow was created before enabling
// the webhook, because Adobe may drop data sent to a streaming dataflow earlier.
func (s *doneStep) waitNotice(result setup.Result) fyne.CanvasObject {
	text := lang.L("done.wait_done")
	if s.w.opts.Now().Before(result.SendAfter) {
		text = lang.L("done.wait", map[string]string{"Time": result.SendAfter.Local().Format(timeLayout)})
	}
	notice := newWrappedLabel(text)
	notice.Importance = widget.WarningImportance
	return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, notice)
}

// instructions lists the steps to finish in Customer.io, with the event groups chosen on the
// events step.
func (s *doneStep) instructions(result setup.Result) fyne.CanvasObject {
	events := make([]string, len(result.EventGroups))
	for i, g := range result.EventGroups {
		events[i] = customerIOGroupName(g)
	}
	eventsLine := lang.L("done.step_events_any")
	if len(events) > 0 {
		eventsLine = lang.L("done.step_events", map[string]string{"Events": strings.Join(events, ", ")})
	}

	// The save step repeats the time of the wait notice, so the two never disagree.
	saveLine := lang.L("done.step_save")
	if s.w.opts.Now().Before(result.SendAfter) {
		saveLine = lang.L("done.step_save_after", map[string]string{"Time": result.SendAfter.Local().Format(timeLayout)})
	}

	lines := []string{
		lang.L("done.step_open"),
		lang.L("done.step_paste"),
		eventsLine,
		saveLine,
	}
	steps := container.NewVBox()
	for i, line := range lines {
		number := widget.NewLabelWithStyle(lang.L("done.step_number", map[string]int{"Number": i + 1}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		steps.Add(container.NewBorder(nil, nil, number, nil, newWrappedLabel(line)))
	}

	fallback := container.NewVBox()
	openUS := widget.NewButtonWithIcon(lang.L("done.open_cio_us"), theme.MailSendIcon(), func() { s.openCustomerIO(links.RegionUS, fallback) })
	openEU := widget.NewButtonWithIcon(lang.L("done.open_cio_eu"), theme.MailSendIcon(), func() { s.openCustomerIO(links.RegionEU, fallback) })
	steps.Add(container.NewHBox(openUS, openEU))
	steps.Add(fallback)
	return widget.NewCard(lang.L("done.instructions"), "", steps)
}

// customerIOGroupName names an event group as Customer.io's English-only form labels it,
// followed by the translated name in brackets when that differs, such as
// "Customer (Cliente)".
func customerIOGroupName(name string) string {
	group, ok := customerio.LookupGroup(name)
	if !ok {
		return groupName(name)
	}
	translated := groupName(name)
	if strings.EqualFold(translated, group.Title) {
		return group.Title
	}
	return lang.L("done.event_group", map[string]string{"Title": group.Title, "Name": translated})
}

func (s *doneStep) openCustomerIO(region string, fallback *fyne.Container) {
	url, err := links.CustomerIOReportingWebhooks(region)
	if err != nil {
		s.w.log.Error("building the Customer.io link failed", "region", region, "err", err)
		return
	}
	s.w.openLink(url, fallback)
}
