// Package models holds voclens's domain types, the service interfaces the
// rest of the code implements, and the coded error type. It imports only the
// standard library so every other package can depend on it.
package models
