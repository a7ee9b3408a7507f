// A minimal bytecode interpreter: one loop, a switch on the opcode, a
// value stack in linear memory, the shape of QuickJS's JS_CallInternal
// without its size. bench/interploop runs it natively (cc -O2), in Node's
// V8 and on wazero, to show what each makes of an interpreter's dispatch.

typedef unsigned char u8;
typedef long long i64;

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, DUP, DROP, JNZ, JMP, HALT };

// The program: acc = 0; i = n; do { acc = (acc * 31 + i) ^ acc; i = i - 1; } while (i);
// Locals: 0 = acc, 1 = i. Operands are one byte after the opcode.
static const u8 program[] = {
	PUSH, 0, STORE, 0,       // acc = 0
	STORE, 1,                // i = n (n is on the stack on entry)
	/* 6: loop */
	LOAD, 0, PUSH, 31, MUL,  // acc * 31
	LOAD, 1, ADD,            // + i
	LOAD, 0, XOR,            // ^ acc
	STORE, 0,                // acc =
	LOAD, 1, PUSH, 1, SUB, DUP, STORE, 1, // i = i - 1
	JNZ, 6,                  // while (i)
	LOAD, 0, HALT,
};

i64 run(i64 n) {
	i64 stack[64], locals[4] = {0};
	int sp = 0, pc = 0;
	stack[sp++] = n;
	for (;;) {
		u8 op = program[pc++];
		switch (op) {
		case PUSH: stack[sp++] = program[pc++]; break;
		case LOAD: stack[sp++] = locals[program[pc++]]; break;
		case STORE: locals[program[pc++]] = stack[--sp]; break;
		case ADD: sp--; stack[sp - 1] += stack[sp]; break;
		case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
		case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
		case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
		case DUP: stack[sp] = stack[sp - 1]; sp++; break;
		case DROP: sp--; break;
		case JNZ: if (stack[--sp]) pc = program[pc]; else pc++; break;
		case JMP: pc = program[pc]; break;
		case HALT: return stack[sp - 1];
		}
	}
}

// direct is the same computation without the interpreter, for telling the
// dispatch and its memory traffic from the arithmetic.
i64 direct(i64 n) {
	i64 acc = 0;
	for (i64 i = n; i; i--) acc = (acc * 31 + i) ^ acc;
	return acc;
}

// dispatch branches through a switch as the interpreter does, with no
// memory traffic: a data-dependent jump table over registers only.
i64 dispatch(i64 n) {
	i64 acc = 0;
	for (i64 i = n; i; i--) {
		switch ((acc ^ i) & 7) {
		case 0: acc += i; break;
		case 1: acc ^= i << 1; break;
		case 2: acc *= 31; break;
		case 3: acc -= i; break;
		case 4: acc = (acc << 3) | 1; break;
		case 5: acc ^= acc >> 7; break;
		case 6: acc += 12345; break;
		default: acc = ~acc; break;
		}
	}
	return acc;
}

#ifdef NATIVE_MAIN
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
	i64 n = atoll(argv[1]);
	int rounds = atoi(argv[2]);
	for (int r = 0; r < rounds; r++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		const char *fn = argc > 3 ? argv[3] : "run";
		volatile i64 v = fn[0] == 'r' ? run(n) : fn[2] == 'r' ? direct(n) : dispatch(n);
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%lld %lld\n", (long long)((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec)), (long long)v);
	}
	return 0;
}
#endif
