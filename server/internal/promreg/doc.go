// Package promreg registers prometheus collectors on the registry a
// server component is given, reusing one already there: members of one
// process share a registry, and components built twice (tests, restarts)
// must not fail on the second registration.
package promreg
