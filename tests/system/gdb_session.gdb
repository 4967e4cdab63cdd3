# gdb-multiarch -batch script of tests/system/gdb.sh (connected to `tessera ctl gdb target`
# by the caller's -ex "target remote ..."). LOG and OUT_DIR come from the environment.
set pagination off
set confirm off
info threads
break gdb_report
continue
bt
# Halted: the target's rounds must stop, the neighbour's ticks go on (gdb.sh compares).
shell printf '%s %s\n' "$(tests/system/uart-text <"$LOG" | grep -a -c '^\[neighbour\] TEST hello: tick=')" "$(tests/system/uart-text <"$LOG" | grep -a -c '^\[target\] TEST gdb_target: round=')" >"$OUT_DIR/ticks_a"
shell sleep 2
shell printf '%s %s\n' "$(tests/system/uart-text <"$LOG" | grep -a -c '^\[neighbour\] TEST hello: tick=')" "$(tests/system/uart-text <"$LOG" | grep -a -c '^\[target\] TEST gdb_target: round=')" >"$OUT_DIR/ticks_b"
print gdb_value
info registers x0 sp pc cpsr sctlr_el1
# A register write goes to the halted vCPU and reads back from the hypervisor (x9: scratch).
set $x9 = 0x5a5a5a5a
printf "X9 %x\n", $x9
set $before = $pc
stepi
printf "STEPI-DELTA %d\n", $pc - $before
next
info line *$pc
delete
hbreak gdb_report
continue
delete
watch gdb_counter
continue
delete
# gdb.sh sends gdb SIGINT (Ctrl-C) once it sees this line: the VM must halt.
printf "READY-FOR-INTERRUPT\n"
continue
printf "INTERRUPTED\n"
rwatch gdb_value
continue
delete
set var gdb_value = 4242
print gdb_value
detach
