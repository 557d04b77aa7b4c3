// Package alarm keeps the cluster's active alarms (NOSPACE, CORRUPT) per
// member, in memory and in the backend's "alarm" bucket, laid out as etcd
// lays it out: the key is the marshalled AlarmMember, the value is empty.
package alarm
