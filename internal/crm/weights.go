package crm

import "strconv"

// SetWeight sets the weight that the setting key (urgency.*) holds from its
// stored value, 0 when that does not read as a number; any other key is
// no weight and changes nothing.
func (w *UrgencyWeights) SetWeight(key, value string) {
	p := map[string]*float64{"urgency.overdue": &w.Overdue, "urgency.tier": &w.Tier, "urgency.promise": &w.Promise,
		"urgency.followup": &w.Followup, "urgency.date": &w.Date}[key]
	if p != nil {
		*p, _ = strconv.ParseFloat(value, 64)
	}
}
