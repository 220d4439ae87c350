// Package ui is mediaup's presentation layer: one Styles struct built from the
// terminal's colour profile, renderers for queue rows, picker rows, badges,
// chips and the weighted-length counter, and layout helpers that cut every
// block to an exact width and height. It takes plain data and returns
// strings; it imports neither the Bubble Tea model nor the uploader.
package ui
