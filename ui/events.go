package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/setup"
)

// groupText contains the translation keys of one Customer.io event group: its name and one
// line on what its events carry.
type groupText struct{ name, carries string }

// groupTexts translates the seven event groups of the Customer.io catalogue.
var groupTexts = map[string]groupText{
	customerio.GroupCustomer: {"events.customer", "events.customer_carries"},
	customerio.GroupEmail:    {"events.email", "events.email_carries"},
	customerio.GroupSMS:      {"events.sms", "events.sms_carries"},
	customerio.GroupPush:     {"events.push", "events.push_carries"},
	customerio.GroupInApp:    {"events.in_app", "events.in_app_carries"},
	customerio.GroupSlack:    {"events.slack", "events.slack_carries"},
	customerio.GroupWebhook:  {"events.webhook", "events.webhook_carries"},
}

// groupName returns the translated name of an event group, or its machine name for a group
// added to the catalogue later.
func groupName(group string) string {
	if text, ok := groupTexts[group]; ok {
		return lang.L(text.name)
	}
	return group
}

// eventsStep chooses the Customer.io event groups the webhook will send. All are on by
// default.
type eventsStep struct {
	w *Wizard

	checks map[string]*widget.Check
	none   *widget.Label // the reason Next is disabled while no group is ticked
}

func (s *eventsStep) title() string {
	return lang.L("events.title")
}

func (s *eventsStep) nav() navigation {
	back := screenData
	if s.w.state.data == setup.ExistingDataset {
		back = screenMapping
	}
	return navigation{
		back:   func() { s.w.show(back) },
		next:   lang.L("nav.next"),
		ready:  len(s.w.state.chosenEvents()) > 0,
		onNext: func() { s.w.show(screenReview) },
	}
}

func (s *eventsStep) build() fyne.CanvasObject {
	st := s.w.state
	s.none = newNote(lang.L("events.none"))
	rows := container.NewVBox(newNote(lang.L("events.intro")), s.none)
	s.checks = map[string]*widget.Check{}

	for _, group := range customerio.Groups() {
		name := group.Name
		check := widget.NewCheck(lang.L("events.group", map[string]any{"Name": groupName(name), "Count": len(group.Events)}), nil)
		check.SetChecked(st.events[name])
		check.OnChanged = func(on bool) {
			st.events[name] = on
			s.refreshNone()
			s.w.refreshNav()
		}
		s.checks[name] = check

		carries := newNote(lang.L(groupTexts[name].carries))
		rows.Add(container.NewVBox(check, container.NewPadded(carries)))
	}
	s.refreshNone()
	return container.NewVScroll(rows)
}

// refreshNone shows, while no event group is ticked, that one is needed to go on.
func (s *eventsStep) refreshNone() {
	if len(s.w.state.chosenEvents()) == 0 {
		s.none.Show()
	} else {
		s.none.Hide()
	}
}
