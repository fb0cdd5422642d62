console.error('slipway agent: not built yet');
process.exit(1);
