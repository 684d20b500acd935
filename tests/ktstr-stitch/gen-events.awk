# Generate N probe events (awk -v n=N -f gen-events.awk): 8 tasks on 4 CPUs
# cycling through the enqueue path, each record shaped like a real
# ktstr-probe hit with all curated task fields; one trigger near the end
# (task 0 in flight in ktstr_enqueue on its CPU). Deterministic.
# -v small=1 leaves the struct fields out (a quicker test of the same paths).
function task(i) { return sprintf("0xffff888003a%02x000", i) }
function fields(i, fl, fl2,   pid) {
	pid = 100 + i
	return sprintf("{\"p\":{\"pid\":{\"entry\":\"0x%x\",\"exit\":\"0x%x\"}," \
		"\"cpus_ptr\":{\"entry\":[\"0xf\",\"0x0\",\"0x0\",\"0x0\"],\"exit\":[\"0xf\",\"0x0\",\"0x0\",\"0x0\"]}," \
		"\"dsq_id\":{\"entry\":\"0x8000000000000000\",\"exit\":\"0x8000000000000002\"}," \
		"\"enq_flags\":{\"entry\":\"0x1\",\"exit\":\"0x1\"},\"slice\":{\"entry\":\"0x0\",\"exit\":\"0x1312d00\"}," \
		"\"vtime\":{\"entry\":\"0x0\",\"exit\":\"0x0\"},\"weight\":{\"entry\":\"0x64\",\"exit\":\"0x64\"}," \
		"\"sticky_cpu\":{\"entry\":\"0xffffffff\",\"exit\":\"0xffffffff\"}," \
		"\"scx_flags\":{\"entry\":\"0x%x\",\"exit\":\"0x%x\"}}}", pid, pid, fl, fl2)
}
BEGIN {
	split("ktstr_select_cpu enqueue_task_scx ktstr_enqueue ktstr_dispatch ktstr_running", fn, " ")
	ts = 1000000000
	trig = n - 7
	for (k = 0; k < n; k++) {
		i = int(k / 5) % 8
		f = fn[k % 5 + 1]
		cpu = i % 4
		ts += 997
		if (f == "enqueue_task_scx")
			args = sprintf("[\"0xffff88807dc%d0000\",\"%s\",\"0x1\"]", cpu, task(i))
		else if (f == "ktstr_dispatch")
			args = sprintf("[\"0x%x\",\"%s\"]", cpu, task(i))
		else if (f == "ktstr_select_cpu")
			args = sprintf("[\"%s\",\"0x%x\",\"0x8\"]", task(i), cpu)
		else if (f == "ktstr_enqueue")
			args = sprintf("[\"%s\",\"0x1\"]", task(i))
		else
			args = sprintf("[\"%s\"]", task(i))
		printf("{\"type\":\"hit\",\"func\":\"%s\",\"cpu\":%d,\"ts_entry\":%d,\"ts_exit\":%d," \
		       "\"task_ptr\":\"%s\",\"pid\":%d,\"comm\":\"worker-%d\",\"args\":%s,\"fields\":%s}\n",
		       f, cpu, ts, ts + 450, task(i), 100 + i, i, args,
		       small ? "{}" : fields(i, 1033, 1025))
		if (k == trig)
			printf("{\"type\":\"trigger\",\"ts\":%d,\"cpu\":0,\"exit_kind\":\"0x401\"," \
			       "\"current\":\"%s\",\"current_pid\":100,\"current_comm\":\"worker-0\"," \
			       "\"inflight_func\":\"ktstr_enqueue\",\"inflight_task\":\"%s\"}\n",
			       ts + 100, task(0), task(0))
	}
	printf("{\"type\":\"meta\",\"nr_cpus\":4,\"drops\":0}\n")
}
