// Never returns and never looks at its signal: only termination ends it.
export default async function spin(): Promise<never> {
  for (;;);
}
