console.error('slipway router: not built yet');
process.exit(1);
