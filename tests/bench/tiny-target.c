/* The program behind the wrappers in make bench-floor: static, does nothing, so that what
 * is measured is the wrapper and one execve. */
int main(void)
{
	return 0;
}
