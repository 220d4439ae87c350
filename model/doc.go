// Package model is mediaup's Bubble Tea application: the root App owns the
// window size and the focus and composes four children (Picker, Queue,
// Compose, Help), all driven by one KeyMap. Uploads run in the uploader's
// Manager; its events reach Update in batches through the listen command,
// and every slow call (probing, posting, saving alt text) runs in a tea.Cmd.
// Drawing is left to package ui.
package model
