package clientv3

type (
	// SortTarget is what a range is sorted by.
	SortTarget int
	// SortOrder is the direction of a sort.
	SortOrder int
)

const (
	SortNone SortOrder = iota
	SortAscend
	SortDescend
)

const (
	SortByKey SortTarget = iota
	SortByVersion
	SortByCreateRevision
	SortByModRevision
	SortByValue
)

// SortOption is a sort target and order.
type SortOption struct {
	Target SortTarget
	Order  SortOrder
}
