package namespace

// prefixInterval moves the range [key, end) under pfx. An end of "\x00"
// (everything from key on) becomes the end of the prefix's own range.
func prefixInterval(pfx string, key, end []byte) (pfxKey []byte, pfxEnd []byte) {
	pfxKey = append([]byte(pfx), key...)
	switch {
	case len(end) == 1 && end[0] == 0:
		pfxEnd = prefixEnd([]byte(pfx))
	case len(end) > 0:
		pfxEnd = append([]byte(pfx), end...)
	}
	return pfxKey, pfxEnd
}

// prefixEnd is the first key after every key starting with pfx, or "\x00"
// (the end of the keyspace) when there is none.
func prefixEnd(pfx []byte) []byte {
	end := append([]byte(nil), pfx...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end
		}
	}
	return []byte{0}
}
