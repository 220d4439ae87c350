// Package assets embeds mediaup's small sample media, real files made for this
// project: two PNG stills, an animated GIF and a short H.264 MP4. The sandbox
// demo (`mediaup --sandbox`) queues them, and tests across the module upload
// them instead of inventing bytes. README.md says how each file was made.
package assets
