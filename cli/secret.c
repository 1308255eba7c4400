/*
 * secret.c - passphrases and PINs, read for a person (cli.h
 * cli_read_secret).
 *
 * Never from the command line: there a secret lands in the shell's
 * history and in every user's 'ps'.  When standard input is a terminal,
 * the secret is read from the terminal itself (/dev/tty) with echo off,
 * after a prompt on it; a signal that ends kith while echo is off (^C)
 * turns echo back on first, so the shell is not left typing blind.  When
 * standard input is not a terminal (a script, a pipe), its first line is
 * the secret: no prompt, no echo to turn off.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_quiet;

/* A signal while echo is off: echo back on, then die of that signal. */
static void restore_and_die(int sig)
{
	if (tty_quiet)
		(void)tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Not SIGTSTP: after ^Z and fg the read goes on.  A shell may put back
 * its own terminal settings while the job is stopped, so SIGCONT turns
 * echo off again (requiet). */
static struct termios tty_quiet_mode;

static void requiet(int sig)
{
	(void)sig;
	if (tty_quiet)
		(void)tcsetattr(tty_fd, TCSANOW, &tty_quiet_mode);
}

static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSIG_QUIT (sizeof quit_signals / sizeof quit_signals[0])

/* One line from fd into out (cap bytes, NUL-terminated, without the line
 * break); 0, 1 when too long (the rest of the line is read and dropped),
 * -1 at end of input with nothing read, -errno. */
static int read_line(int fd, char *out, size_t cap)
{
	size_t n = 0;
	int too_long = 0, any = 0;
	char ch;

	for (;;) {
		ssize_t got = read(fd, &ch, 1);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			break;
		any = 1;
		if (ch == '\n')
			break;
		if (n + 1 >= cap)
			too_long = 1;
		else
			out[n++] = ch;
	}
	ch = 0; /* a byte of the secret */
	if (n && out[n - 1] == '\r') /* a file written on Windows */
		n--;
	out[n] = 0;
	if (!any)
		return -1;
	return too_long;
}

int cli_secret_tty(void)
{
	return isatty(STDIN_FILENO);
}

/* Prompt on the terminal and read a line there with echo off. */
static int read_tty(const char *prompt, char *out, size_t cap)
{
	struct sigaction sa, old[NSIG_QUIT], cont, old_cont;
	struct termios quiet;
	size_t i;
	int rc, fd, installed = 0;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_and_die;
	sigemptyset(&sa.sa_mask);
	tty_fd = fd;
	if (tcgetattr(fd, &tty_saved) == 0) {
		installed = 1;
		for (i = 0; i < NSIG_QUIT; i++)
			sigaction(quit_signals[i], &sa, &old[i]);
		quiet = tty_saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL; /* the Enter still shows */
		tty_quiet_mode = quiet;
		tty_quiet = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (!tty_quiet) {
		/* echo cannot be turned off: never read it on screen */
		for (i = 0; installed && i < NSIG_QUIT; i++)
			sigaction(quit_signals[i], &old[i], NULL);
		close(fd);
		tty_fd = -1;
		return -ENOTTY;
	}
	memset(&cont, 0, sizeof cont);
	cont.sa_handler = requiet;
	sigemptyset(&cont.sa_mask);
	sigaction(SIGCONT, &cont, &old_cont);
	rc = read_line(fd, out, cap);
	(void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
	tty_quiet = 0;
	sigaction(SIGCONT, &old_cont, NULL);
	for (i = 0; i < NSIG_QUIT; i++)
		sigaction(quit_signals[i], &old[i], NULL);
	close(fd);
	tty_fd = -1;
	return rc;
}

int cli_read_secret(const char *prompt, char *out, size_t cap)
{
	int rc;

	out[0] = 0;
	if (cli_secret_tty())
		rc = read_tty(prompt, out, cap);
	else
		rc = read_line(STDIN_FILENO, out, cap);
	if (rc == 1) {
		memset(out, 0, cap);
		return cli_fail("what was typed is too long (at most %zu "
				"bytes)",
				cap - 2);
	}
	if (rc == -1 || (rc == 0 && !out[0]))
		return cli_fail("nothing was typed: type it when asked, or "
				"give it as the first line of standard input");
	if (rc < 0)
		return cli_fail("cannot read from the terminal: %s",
				cli_oserr(-rc));
	return CLI_OK;
}
