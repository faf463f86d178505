package glapi

// Power states of a server, as hardware.powerState spells them.
const (
	PowerOn  = "ON"
	PowerOff = "OFF"
)

// Job parameters (jobParams keys) that decide a job's effect.
const (
	// ParamBundleID is the firmware bundle a firmware update installs.
	ParamBundleID = "bundle_id"
	// ParamDowngrade allows a firmware update to install an older bundle.
	ParamDowngrade = "downgrade"
	// ParamDevices lists the servers of a group a group job runs on
	// (absent: every server of the group).
	ParamDevices = "devices"
)

// Effect is what a job that ends well does to the servers it runs on. It
// is the one description of job effects: the simulator applies it when a
// job finishes, and a dry run predicts reads with it.
type Effect struct {
	// Power is a server's power state after the job (PowerOn or
	// PowerOff); "" leaves it as it was.
	Power string
	// Restart is true for a job that restarts a server (it is on after).
	Restart bool
	// Firmware is true for a job that installs the firmware bundle named by
	// jobParams bundle_id (a group job without one: the group's baseline).
	Firmware bool
	// PowerOffParam names the boolean job parameter that, when true, powers
	// a server off after its firmware update; "" for none.
	PowerOffParam string
	// ILOFirmware is true for a job that installs the newest iLO firmware.
	ILOFirmware bool
	// Compliance is true for a job that calculates the firmware compliance
	// of the servers of a group against its baseline.
	Compliance bool
	// EachServer is true for a group job whose effect applies to each
	// server of the group (jobParams devices, else every member).
	EachServer bool
}

// EffectOf returns the effect of the job template with that UUID (the
// zero Effect for a template that changes no server, or an unknown one).
func EffectOf(templateID string) Effect {
	t, _ := TemplateByID(templateID)
	return t.Effect
}

// Changes reports whether e changes anything about a server.
func (e Effect) Changes() bool { return e != Effect{} }

// PowerAfter returns a server's power state after a job with params ended
// well: PowerOff when the job's power-off parameter is true, else e.Power
// ("" for unchanged).
func (e Effect) PowerAfter(params map[string]any) string {
	if e.PowerOffParam != "" {
		if off, _ := params[e.PowerOffParam].(bool); off {
			return PowerOff
		}
	}
	return e.Power
}

// Bundle returns the firmware bundle id a job with params installs; "" when
// e installs none or params name none.
func (e Effect) Bundle(params map[string]any) string {
	if !e.Firmware {
		return ""
	}
	b, _ := params[ParamBundleID].(string)
	return b
}

// Downgrade reports whether params allow a firmware downgrade.
func Downgrade(params map[string]any) bool {
	d, _ := params[ParamDowngrade].(bool)
	return d
}

// Devices returns the server ids of jobParams devices, or nil when params
// name none (a group job then runs on every server of the group).
func Devices(params map[string]any) []string {
	l, _ := params[ParamDevices].([]any)
	var out []string
	for _, d := range l {
		if id, ok := d.(string); ok {
			out = append(out, id)
		}
	}
	return out
}
