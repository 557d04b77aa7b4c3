package mvccpb

// IsCreate reports whether e put a key that did not exist before.
func (e *Event) IsCreate() bool {
	return e.GetType() == Event_PUT && e.GetKv().GetCreateRevision() == e.GetKv().GetModRevision()
}

// IsModify reports whether e put a new value on an existing key.
func (e *Event) IsModify() bool {
	return e.GetType() == Event_PUT && e.GetKv().GetCreateRevision() != e.GetKv().GetModRevision()
}

// Short names etcd's API has kept for the event types.
const (
	// Deprecated: use Event_PUT.
	PUT = Event_PUT
	// Deprecated: use Event_DELETE.
	DELETE = Event_DELETE
)
