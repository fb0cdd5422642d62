console.error('slipway api: not built yet');
process.exit(1);
