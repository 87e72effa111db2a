// The parts of ECharts the statistics views use (bars, grid, tooltip and legend on
// a canvas), exposed as the global `echarts` that src/charts/echarts.rs binds to.
// Bundled by tools/build-echarts.mjs: about a third of the full build.
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);
globalThis.echarts = echarts;
