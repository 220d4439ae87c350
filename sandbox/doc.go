// Package sandbox is a local X (Twitter) API for mediaup's tests and demos.
package sandbox
