package mvccpb

import "testing"

func TestEventKinds(t *testing.T) {
	tests := []struct {
		name           string
		ev             *Event
		create, modify bool
	}{
		{"create", &Event{Type: Event_PUT, Kv: &KeyValue{CreateRevision: 5, ModRevision: 5}}, true, false},
		{"modify", &Event{Type: Event_PUT, Kv: &KeyValue{CreateRevision: 5, ModRevision: 6}}, false, true},
		{"delete", &Event{Type: Event_DELETE, Kv: &KeyValue{ModRevision: 7}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ev.IsCreate(); got != tt.create {
				t.Errorf("IsCreate = %v", got)
			}
			if got := tt.ev.IsModify(); got != tt.modify {
				t.Errorf("IsModify = %v", got)
			}
		})
	}
}
