/*
 * gen_catalog.c -- the procedure (TTHC) catalogue of the generated data:
 * commune-level procedures as communes handle them after the 2025
 * reorganisation, with realistic legal time limits, online levels, fees
 * and popularity.  The list is fixed (independent of --seed): it plays
 * the role of the national catalogue.  Codes are synthetic but shaped
 * like the real ones ("1.001612").
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

typedef struct proc_def {
    const char *field, *name;
    int days, level, fee, result;
    double weight;
    int foreign;    /* also exists "có yếu tố nước ngoài" (province-assigned) */
} proc_def;

#define HT "Hộ tịch"
#define CT "Chứng thực"
#define TP "Tư pháp"
#define DD "Đất đai"
#define LD "Lao động - Thương binh và Xã hội"
#define NN "Nông nghiệp"
#define XD "Xây dựng"
#define VH "Văn hóa"
#define GD "Giáo dục và Đào tạo"
#define YT "Y tế"
#define NV "Nội vụ"
#define TG "Tôn giáo"
#define TD "Thi đua - Khen thưởng"
#define KD "Đăng ký kinh doanh"
#define MT "Môi trường"
#define GT "Giao thông vận tải"
#define CTH "Công thương"
#define CU "Cư trú"
#define BT "Bảo trợ xã hội"
#define NCC "Người có công"
#define TT "Phòng, chống thiên tai"
#define LN "Lâm nghiệp"
#define TL "Thủy lợi"
#define TC "Tài chính"

static const proc_def defs[] = {
    {HT, "Đăng ký khai sinh", 1, 4, 0, 1, 60, 1},
    {HT, "Đăng ký kết hôn", 3, 4, 0, 1, 18, 1},
    {HT, "Đăng ký khai tử", 1, 4, 0, 1, 14, 1},
    {HT, "Đăng ký nhận cha, mẹ, con", 3, 4, 0, 1, 3, 1},
    {HT, "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", 3, 4, 0, 1, 2, 1},
    {HT, "Đăng ký lại khai sinh", 5, 4, 1, 1, 6, 0},
    {HT, "Đăng ký lại kết hôn", 5, 4, 1, 1, 1, 0},
    {HT, "Đăng ký lại khai tử", 5, 4, 1, 1, 1, 0},
    {HT, "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", 5, 4, 1, 1, 4, 0},
    {HT, "Đăng ký giám hộ", 3, 4, 0, 1, 1, 1},
    {HT, "Đăng ký chấm dứt giám hộ", 2, 4, 0, 1, 0.5, 1},
    {HT, "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 3, 4, 1, 1, 9, 1},
    {HT, "Cấp giấy xác nhận tình trạng hôn nhân", 3, 4, 1, 1, 22, 0},
    {HT, "Cấp bản sao trích lục hộ tịch", 1, 4, 1, 1, 16, 0},
    {HT, "Đăng ký khai sinh lưu động", 5, 3, 0, 1, 0.5, 0},
    {HT, "Đăng ký kết hôn lưu động", 5, 3, 0, 1, 0.3, 0},
    {HT, "Đăng ký khai tử lưu động", 5, 3, 0, 1, 0.3, 0},
    {HT, "Ghi vào Sổ hộ tịch việc hộ tịch đã giải quyết tại cơ quan có thẩm quyền của nước ngoài", 5, 3, 1, 1, 0.6, 0},
    {HT, "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", 5, 4, 0, 1, 12, 0},
    {HT, "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, hỗ trợ chi phí mai táng", 5, 4, 0, 1, 5, 0},
    {HT, "Đăng ký nuôi con nuôi trong nước", 20, 3, 1, 1, 0.4, 0},
    {HT, "Đăng ký lại việc nuôi con nuôi trong nước", 5, 3, 1, 1, 0.1, 0},
    {CT, "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 1, 3, 1, 1, 120, 0},
    {CT, "Chứng thực chữ ký trong các giấy tờ, văn bản", 1, 3, 1, 1, 25, 0},
    {CT, "Chứng thực chữ ký người dịch", 1, 3, 1, 1, 1.5, 0},
    {CT, "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở", 2, 3, 1, 1, 14, 0},
    {CT, "Chứng thực sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", 2, 3, 1, 1, 1.2, 0},
    {CT, "Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực", 1, 3, 1, 1, 0.5, 0},
    {CT, "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", 1, 3, 1, 1, 1.5, 0},
    {CT, "Chứng thực di chúc", 2, 3, 1, 1, 1.2, 0},
    {CT, "Chứng thực văn bản từ chối nhận di sản", 2, 3, 1, 1, 0.8, 0},
    {CT, "Chứng thực văn bản thỏa thuận phân chia di sản là động sản, quyền sử dụng đất, nhà ở", 2, 3, 1, 1, 2.5, 0},
    {CT, "Chứng thực văn bản khai nhận di sản là động sản, quyền sử dụng đất, nhà ở", 2, 3, 1, 1, 2, 0},
    {CT, "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật", 1, 3, 1, 1, 0.3, 0},
    {TP, "Công nhận tuyên truyền viên pháp luật", 3, 3, 0, 1, 0.3, 0},
    {TP, "Cho thôi làm tuyên truyền viên pháp luật", 3, 3, 0, 1, 0.1, 0},
    {TP, "Thủ tục bầu hòa giải viên", 5, 2, 0, 1, 0.3, 0},
    {TP, "Thủ tục công nhận hòa giải viên", 5, 2, 0, 1, 0.2, 0},
    {TP, "Thủ tục công nhận tổ trưởng tổ hòa giải", 5, 2, 0, 1, 0.1, 0},
    {TP, "Thủ tục thôi làm hòa giải viên", 5, 2, 0, 1, 0.1, 0},
    {TP, "Thủ tục thanh toán thù lao cho hòa giải viên", 5, 3, 0, 1, 0.4, 0},
    {TP, "Thủ tục hỗ trợ cho hòa giải viên gặp tai nạn hoặc rủi ro ảnh hưởng đến sức khỏe, tính mạng trong khi thực hiện hoạt động hòa giải", 10, 3, 0, 1, 0.02, 0},
    {TP, "Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành công vụ gây thiệt hại", 30, 2, 0, 1, 0.02, 0},
    {TP, "Xét, công nhận xã, phường đạt chuẩn tiếp cận pháp luật", 20, 2, 0, 1, 0.05, 0},
    {DD, "Hòa giải tranh chấp đất đai", 30, 2, 0, 1, 2.5, 0},
    {DD, "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", 20, 3, 1, 1, 6, 0},
    {DD, "Đăng ký biến động đất đai, tài sản gắn liền với đất", 10, 3, 1, 1, 9, 0},
    {DD, "Tách thửa hoặc hợp thửa đất", 15, 3, 1, 1, 3, 0},
    {DD, "Chuyển mục đích sử dụng đất không phải xin phép cơ quan nhà nước có thẩm quyền", 10, 3, 1, 1, 1.5, 0},
    {DD, "Giao đất, cho thuê đất, cho phép chuyển mục đích sử dụng đất đối với hộ gia đình, cá nhân", 20, 3, 1, 1, 2, 0},
    {DD, "Gia hạn sử dụng đất nông nghiệp của hộ gia đình, cá nhân", 7, 3, 0, 1, 0.6, 0},
    {DD, "Xác nhận tiếp tục sử dụng đất nông nghiệp khi hết thời hạn sử dụng đất", 5, 3, 0, 1, 0.8, 0},
    {DD, "Đính chính Giấy chứng nhận đã cấp", 10, 3, 0, 1, 1, 0},
    {DD, "Cấp đổi Giấy chứng nhận quyền sử dụng đất", 7, 3, 1, 1, 2.5, 0},
    {DD, "Cấp lại Giấy chứng nhận do bị mất", 10, 3, 1, 1, 0.8, 0},
    {DD, "Thu hồi đất do người sử dụng đất tự nguyện trả lại đất", 20, 2, 0, 1, 0.1, 0},
    {DD, "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3, 4, 1, 1, 4, 0},
    {DD, "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3, 4, 1, 1, 3, 0},
    {DD, "Cung cấp thông tin, dữ liệu đất đai", 3, 4, 1, 1, 2, 0},
    {LD, "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", 10, 3, 0, 1, 5, 0},
    {LD, "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 3, 3, 0, 1, 2.5, 0},
    {LD, "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", 15, 3, 0, 1, 1.5, 0},
    {LD, "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", 15, 3, 0, 1, 1, 0},
    {LD, "Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp có mức sống trung bình", 15, 3, 0, 1, 0.6, 0},
    {LD, "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", 25, 3, 0, 1, 1.5, 0},
    {LD, "Đổi, cấp lại Giấy xác nhận khuyết tật", 5, 3, 0, 1, 0.4, 0},
    {LD, "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng có hoàn cảnh khó khăn", 5, 2, 0, 1, 0.03, 0},
    {LD, "Hỗ trợ người lao động không có giao kết hợp đồng lao động bị mất việc làm", 5, 3, 0, 1, 0.2, 0},
    {LD, "Đăng ký nội quy lao động", 7, 3, 0, 1, 0.1, 0},
    {LD, "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội", 10, 2, 0, 1, 0.1, 0},
    {LD, "Đăng ký tham gia bảo hiểm y tế cho người thuộc hộ gia đình cận nghèo", 5, 3, 0, 1, 1.2, 0},
    {BT, "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở", 10, 2, 0, 1, 0.4, 0},
    {BT, "Hỗ trợ kinh phí nhận chăm sóc, nuôi dưỡng đối tượng cần bảo vệ khẩn cấp", 10, 2, 0, 1, 0.1, 0},
    {BT, "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường hoặc người gây tổn hại cho trẻ em", 12, 2, 0, 1, 0.05, 0},
    {BT, "Đăng ký nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia đình nhận chăm sóc thay thế", 15, 2, 0, 1, 0.05, 0},
    {BT, "Thông báo nhận chăm sóc thay thế cho trẻ em", 5, 2, 0, 1, 0.05, 0},
    {BT, "Chuyển trẻ em đang được chăm sóc thay thế tại cơ sở trợ giúp xã hội đến cá nhân, gia đình nhận chăm sóc thay thế", 25, 2, 0, 1, 0.02, 0},
    {BT, "Hỗ trợ học văn hóa, học nghề, trợ cấp khó khăn ban đầu cho nạn nhân bị mua bán", 10, 2, 0, 1, 0.02, 0},
    {NCC, "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 12, 3, 0, 1, 0.4, 0},
    {NCC, "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", 12, 3, 0, 1, 0.3, 0},
    {NCC, "Giải quyết chế độ mai táng phí đối với cựu chiến binh", 5, 3, 0, 1, 0.6, 0},
    {NCC, "Giải quyết trợ cấp một lần đối với người có thành tích tham gia kháng chiến đã được tặng Bằng khen", 15, 3, 0, 1, 0.2, 0},
    {NCC, "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ", 5, 3, 0, 1, 0.3, 0},
    {NCC, "Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần", 12, 3, 0, 1, 0.5, 0},
    {NCC, "Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công", 10, 3, 0, 1, 0.2, 0},
    {NCC, "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú", 5, 3, 0, 1, 0.2, 0},
    {NCC, "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình", 5, 2, 0, 1, 0.1, 0},
    {NN, "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do dịch bệnh động vật", 10, 2, 0, 1, 0.3, 0},
    {NN, "Hỗ trợ cây giống, vật nuôi để khôi phục sản xuất vùng bị thiệt hại do thiên tai", 10, 2, 0, 1, 0.5, 0},
    {NN, "Phê duyệt kế hoạch khuyến nông địa phương", 15, 2, 0, 1, 0.05, 0},
    {NN, "Xác nhận nguồn gốc, xuất xứ sản phẩm nông sản", 3, 3, 0, 1, 0.4, 0},
    {NN, "Hỗ trợ dự án liên kết sản xuất gắn với tiêu thụ sản phẩm", 20, 2, 0, 1, 0.05, 0},
    {NN, "Đăng ký kê khai số lượng chăn nuôi", 5, 3, 0, 1, 0.6, 0},
    {NN, "Công nhận và giao quyền quản lý cho tổ chức cộng đồng", 20, 2, 0, 1, 0.02, 0},
    {NN, "Xét công nhận xã đạt chuẩn nông thôn mới", 30, 2, 0, 1, 0.02, 0},
    {LN, "Phê duyệt hồ sơ khai thác tận dụng gỗ trên đất rừng sản xuất", 10, 3, 0, 1, 0.3, 0},
    {LN, "Xác nhận bảng kê lâm sản", 3, 3, 0, 1, 0.8, 0},
    {LN, "Đăng ký khai thác lâm sản ngoài gỗ", 5, 3, 0, 1, 0.3, 0},
    {LN, "Giao rừng, cho thuê rừng cho hộ gia đình, cá nhân, cộng đồng dân cư", 30, 2, 0, 1, 0.1, 0},
    {TL, "Phê duyệt phương án ứng phó thiên tai cho công trình thủy lợi", 15, 2, 0, 1, 0.03, 0},
    {TL, "Cấp phép hoạt động trong phạm vi bảo vệ công trình thủy lợi", 10, 2, 1, 1, 0.1, 0},
    {TT, "Đăng ký hỗ trợ thiệt hại do thiên tai đối với sản xuất nông nghiệp", 10, 2, 0, 1, 0.6, 0},
    {TT, "Trợ cấp đột xuất cho hộ gia đình có nhà ở bị đổ, sập, trôi, cháy hoàn toàn do thiên tai", 5, 2, 0, 1, 0.2, 0},
    {XD, "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", 15, 4, 1, 1, 6, 0},
    {XD, "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ", 15, 4, 1, 1, 1.5, 0},
    {XD, "Cấp giấy phép di dời đối với công trình", 15, 3, 1, 1, 0.05, 0},
    {XD, "Điều chỉnh giấy phép xây dựng đối với nhà ở riêng lẻ", 15, 4, 1, 1, 0.3, 0},
    {XD, "Gia hạn giấy phép xây dựng", 5, 4, 1, 1, 0.4, 0},
    {XD, "Cấp lại giấy phép xây dựng", 5, 4, 1, 1, 0.2, 0},
    {XD, "Cấp giấy phép xây dựng có thời hạn", 15, 4, 1, 1, 0.3, 0},
    {XD, "Thẩm định báo cáo kinh tế - kỹ thuật đầu tư xây dựng công trình", 20, 2, 1, 1, 0.1, 0},
    {XD, "Cung cấp thông tin về quy hoạch xây dựng", 10, 3, 0, 1, 0.4, 0},
    {XD, "Cấp giấy phép sử dụng tạm thời lòng đường, hè phố", 5, 3, 1, 1, 0.2, 0},
    {VH, "Xét tặng danh hiệu Gia đình văn hóa hằng năm", 5, 2, 0, 1, 0.8, 0},
    {VH, "Xét tặng danh hiệu Thôn, Tổ dân phố văn hóa", 5, 2, 0, 1, 0.1, 0},
    {VH, "Thông báo tổ chức lễ hội cấp xã", 5, 3, 0, 1, 0.1, 0},
    {VH, "Đăng ký tổ chức lễ hội cấp xã", 15, 3, 0, 1, 0.05, 0},
    {VH, "Công nhận câu lạc bộ thể thao cơ sở", 7, 3, 0, 1, 0.05, 0},
    {VH, "Thủ tục thông báo thành lập thư viện đối với thư viện cộng đồng", 15, 3, 0, 1, 0.02, 0},
    {VH, "Cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ karaoke", 5, 4, 1, 1, 0.1, 0},
    {VH, "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", 10, 4, 1, 1, 0.02, 0},
    {GD, "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục", 20, 3, 0, 1, 0.05, 0},
    {GD, "Thành lập nhóm trẻ, lớp mẫu giáo độc lập", 15, 3, 0, 1, 0.03, 0},
    {GD, "Chuyển trường đối với học sinh trung học cơ sở", 3, 4, 0, 1, 1.5, 0},
    {GD, "Chuyển trường đối với học sinh tiểu học", 3, 4, 0, 1, 1.5, 0},
    {GD, "Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú", 10, 2, 0, 1, 0.5, 0},
    {GD, "Hỗ trợ học tập đối với trẻ mẫu giáo, học sinh dân tộc thiểu số rất ít người", 10, 2, 0, 1, 0.2, 0},
    {GD, "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 2, 4, 1, 1, 0.6, 0},
    {GD, "Chỉnh sửa nội dung văn bằng, chứng chỉ", 5, 3, 0, 1, 0.1, 0},
    {YT, "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", 15, 4, 1, 1, 0.4, 0},
    {YT, "Cấp giấy xác nhận kiến thức về an toàn thực phẩm", 10, 4, 1, 1, 0.2, 0},
    {YT, "Cấp giấy chứng sinh cho trường hợp trẻ được sinh ra ngoài cơ sở khám chữa bệnh", 3, 2, 0, 1, 0.3, 0},
    {YT, "Cấp giấy phép hoạt động đối với trạm y tế xã", 30, 2, 1, 1, 0.01, 0},
    {NV, "Công nhận ban vận động thành lập hội có phạm vi hoạt động trong xã", 15, 3, 0, 1, 0.02, 0},
    {NV, "Phê duyệt điều lệ hội có phạm vi hoạt động trong xã", 20, 3, 0, 1, 0.02, 0},
    {NV, "Thành lập tổ hợp tác", 5, 3, 0, 1, 0.05, 0},
    {NV, "Thông báo thay đổi tổ hợp tác", 5, 3, 0, 1, 0.02, 0},
    {NV, "Thông báo chấm dứt hoạt động của tổ hợp tác", 5, 3, 0, 1, 0.01, 0},
    {NV, "Công nhận thôn, tổ dân phố đủ điều kiện thành lập mới", 20, 2, 0, 1, 0.01, 0},
    {TG, "Thủ tục đăng ký sinh hoạt tôn giáo tập trung", 20, 3, 0, 1, 0.05, 0},
    {TG, "Thủ tục thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động tôn giáo ở một xã", 5, 3, 0, 1, 0.1, 0},
    {TG, "Thủ tục thông báo tổ chức quyên góp trong địa bàn một xã của cơ sở tín ngưỡng, tổ chức tôn giáo", 5, 3, 0, 1, 0.1, 0},
    {TG, "Thủ tục đăng ký người đại diện của nhóm sinh hoạt tôn giáo tập trung", 15, 3, 0, 1, 0.02, 0},
    {TG, "Thủ tục đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung trong địa bàn một xã", 15, 3, 0, 1, 0.02, 0},
    {TG, "Thủ tục thông báo về việc thay đổi địa điểm sinh hoạt tôn giáo tập trung đến địa bàn xã khác", 5, 3, 0, 1, 0.01, 0},
    {TG, "Thủ tục đăng ký hoạt động tín ngưỡng", 15, 3, 0, 1, 0.1, 0},
    {TG, "Thủ tục đăng ký bổ sung hoạt động tín ngưỡng", 15, 3, 0, 1, 0.03, 0},
    {TD, "Thủ tục tặng giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện nhiệm vụ chính trị", 20, 2, 0, 1, 0.6, 0},
    {TD, "Thủ tục tặng giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích đột xuất", 5, 2, 0, 1, 0.2, 0},
    {TD, "Thủ tục tặng giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình", 20, 2, 0, 1, 0.1, 0},
    {TD, "Thủ tục xét tặng danh hiệu Lao động tiên tiến", 20, 2, 0, 1, 0.2, 0},
    {KD, "Đăng ký thành lập hộ kinh doanh", 3, 4, 1, 1, 5, 0},
    {KD, "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3, 4, 1, 1, 2, 0},
    {KD, "Tạm ngừng hoạt động hộ kinh doanh", 3, 4, 0, 1, 1, 0},
    {KD, "Chấm dứt hoạt động hộ kinh doanh", 3, 4, 0, 1, 0.8, 0},
    {KD, "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", 3, 4, 1, 1, 0.3, 0},
    {KD, "Đăng ký thành lập hợp tác xã", 3, 4, 1, 1, 0.05, 0},
    {KD, "Đăng ký thay đổi tên, địa chỉ trụ sở chính của hợp tác xã", 3, 4, 1, 1, 0.03, 0},
    {KD, "Giải thể tự nguyện hợp tác xã", 5, 3, 0, 1, 0.01, 0},
    {CTH, "Cấp giấy phép bán lẻ sản phẩm rượu", 10, 4, 1, 1, 0.3, 0},
    {CTH, "Cấp giấy phép bán lẻ sản phẩm thuốc lá", 10, 4, 1, 1, 0.2, 0},
    {CTH, "Cấp giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai", 10, 4, 1, 1, 0.05, 0},
    {CTH, "Cấp giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh", 10, 4, 1, 1, 0.1, 0},
    {CTH, "Cấp sửa đổi, bổ sung giấy phép bán lẻ sản phẩm rượu", 7, 4, 1, 1, 0.03, 0},
    {MT, "Đăng ký kế hoạch bảo vệ môi trường", 10, 3, 0, 0, 0.2, 0},
    {MT, "Tham vấn đánh giá tác động môi trường", 10, 2, 0, 0, 0.05, 0},
    {MT, "Cấp giấy phép môi trường", 20, 3, 1, 1, 0.05, 0},
    {MT, "Đăng ký khai thác nước dưới đất", 10, 3, 0, 1, 0.2, 0},
    {MT, "Lấy ý kiến cộng đồng dân cư về phương án khai thác tài nguyên nước", 15, 2, 0, 0, 0.02, 0},
    {GT, "Cấp giấy phép thi công công trình đường bộ trên đường xã đang khai thác", 7, 3, 1, 1, 0.1, 0},
    {GT, "Đăng ký phương tiện thủy nội địa lần đầu", 3, 3, 1, 1, 0.1, 0},
    {GT, "Xóa giấy chứng nhận đăng ký phương tiện thủy nội địa", 3, 3, 0, 1, 0.03, 0},
    {GT, "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường xã", 7, 3, 0, 1, 0.03, 0},
    {CU, "Đăng ký thường trú", 7, 4, 1, 1, 12, 0},
    {CU, "Đăng ký tạm trú", 3, 4, 1, 1, 10, 0},
    {CU, "Gia hạn tạm trú", 3, 4, 1, 1, 3, 0},
    {CU, "Xóa đăng ký thường trú", 1, 4, 0, 0, 4, 0},
    {CU, "Xóa đăng ký tạm trú", 1, 4, 0, 0, 2, 0},
    {CU, "Khai báo tạm vắng", 1, 4, 0, 0, 2, 0},
    {CU, "Tách hộ", 3, 4, 1, 1, 2, 0},
    {CU, "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú", 3, 4, 0, 1, 3, 0},
    {CU, "Xác nhận thông tin về cư trú", 1, 4, 0, 1, 8, 0},
    {CU, "Khai báo thông tin về cư trú đối với người chưa đủ điều kiện đăng ký thường trú, tạm trú", 3, 4, 0, 1, 0.6, 0},
    {TC, "Thủ tục xác nhận nợ đọng tiền thuế đất", 5, 3, 0, 1, 0.1, 0},
    {TC, "Thủ tục quyết toán kinh phí hỗ trợ hộ gia đình bị thiệt hại", 15, 2, 0, 0, 0.05, 0},
};

/* Suffixes that multiply the civil-status procedures into the variants
 * communes also handle (the national catalogue lists each separately). */
static const char *const foreign_suffix = " có yếu tố nước ngoài";

int gen_catalog_build(gen_catalog *c, ps_error *err) {
    size_t nd = sizeof defs / sizeof *defs, n = nd;
    size_t pool = 0;
    for (size_t i = 0; i < nd; i++)
        if (defs[i].foreign) {
            n++;
            pool += strlen(defs[i].name) + strlen(foreign_suffix) + 1;
        }
    memset(c, 0, sizeof *c);
    c->items = calloc(n, sizeof *c->items);
    c->cdf = calloc(n, sizeof *c->cdf);
    c->name_pool = malloc(pool + 1);
    if (!c->items || !c->cdf || !c->name_pool) {
        gen_catalog_free(c);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    char *np = c->name_pool;
    size_t k = 0;
    for (size_t i = 0; i < nd; i++) {
        const proc_def *d = &defs[i];
        for (int variant = 0; variant <= d->foreign; variant++) {
            gen_procedure *p = &c->items[k];
            /* codes are a fixed permutation of 100..9999 (3779 is coprime
             * to 9900), prefixed 1. or 2. like the national codes */
            unsigned num = 100u + (unsigned)((k * 3779u + 1612u) % 9900u);
            snprintf(p->code, sizeof p->code, "%d.%06u", (k % 4 == 3) ? 2 : 1, num);
            p->field = d->field;
            p->legal_days = d->days;
            p->online_level = d->level;
            p->has_fee = d->fee;
            p->has_result = d->result;
            p->weight = d->weight;
            p->name = d->name;
            if (variant) {
                int w = sprintf(np, "%s%s", d->name, foreign_suffix);
                p->name = np;
                np += w + 1;
                p->legal_days = d->days * 3 + 2;
                p->online_level = 3;
                p->has_fee = 1;
                p->weight = d->weight * 0.02;
            }
            c->cdf[k] = (k ? c->cdf[k - 1] : 0) + p->weight;
            k++;
        }
    }
    c->count = k;
    return PS_OK;
}

size_t gen_catalog_pick(const gen_catalog *c, gen_rng *r) {
    double x = gen_rng_unif(r) * c->cdf[c->count - 1];
    size_t lo = 0, hi = c->count - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->cdf[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

void gen_catalog_free(gen_catalog *c) {
    free(c->items);
    free(c->cdf);
    free(c->name_pool);
    memset(c, 0, sizeof *c);
}
